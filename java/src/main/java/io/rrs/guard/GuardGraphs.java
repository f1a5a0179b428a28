package io.rrs.guard;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: the three exported graphs as ONNX Runtime sessions, one per graph, shared by every thread
 * ({@code OrtSession.run} is thread-safe), and the calls the guard makes on them for a single query
 * (batch 1, no padding): embed ids, encode log-mel, run the decoder (prefill with an empty past, or
 * one step on the previous step's present keys/values). Every input tensor is closed before a call
 * returns; a decoder {@link OrtSession.Result} is handed to the caller, who closes it (its present
 * tensors feed the next step without a copy).
 */
final class GuardGraphs implements AutoCloseable {
    static final String IDS = "input_ids", EMBEDS = "inputs_embeds", MASK = "attention_mask", POSITIONS = "position_ids";
    static final String LOGITS = "logits", HIDDEN = "last_hidden_state";
    static final String FEATURES = "input_features", FRAME_COUNTS = "frame_counts", AUDIO_EMBEDS = "audio_embeds", AUDIO_COUNTS = "audio_embed_counts";

    /** Encoder output for one clip: {@code count} rows of {@code hidden} floats. */
    record AudioRows(float[] rows, int count) {}

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession embed, encoder, decoder;
    private final int layers, kvHeads, headDim, hidden;
    private final String[] pastKeys, pastValues, presentKeys, presentValues;

    GuardGraphs(GuardManifest m, GuardOptions o) {
        this.layers = m.layers();
        this.kvHeads = m.kvHeads();
        this.headDim = m.headDim();
        this.hidden = m.hiddenSize();
        pastKeys = new String[layers];
        pastValues = new String[layers];
        presentKeys = new String[layers];
        presentValues = new String[layers];
        for (int i = 0; i < layers; i++) {
            pastKeys[i] = "past_key_values." + i + ".key";
            pastValues[i] = "past_key_values." + i + ".value";
            presentKeys[i] = "present." + i + ".key";
            presentValues[i] = "present." + i + ".value";
        }
        List<OrtSession> opened = new ArrayList<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(o.intraOpThreads());
            so.setInterOpNumThreads(1); // parallelism comes from concurrent queries, not from inter-op scheduling
            if (o.cuda()) {
                EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
                if (!available.contains(OrtProvider.CUDA))
                    throw new GuardException("the CUDA execution provider is not available (ONNX Runtime has " + available + "); drop --cuda to run on the CPU");
                try {
                    so.addCUDA(0);
                } catch (OrtException e) {
                    throw new GuardException("the CUDA execution provider failed to start (" + e.getMessage()
                            + "); check the CUDA 12 / cuDNN 9 libraries and the GPU, or drop --cuda to run on the CPU", e);
                }
            }
            for (String f : List.of(m.embedFile(), m.encoderFile(), m.decoderFile())) {
                try {
                    opened.add(env.createSession(m.path(f).toString(), so));
                } catch (OrtException e) {
                    throw new GuardException("ONNX Runtime cannot load " + m.path(f) + ": " + e.getMessage() + "; re-run the export", e);
                }
            }
        } catch (OrtException | RuntimeException e) {
            for (OrtSession s : opened) closeQuietly(s); // none may leak when a later graph fails to load
            throw e instanceof GuardException g ? g : new GuardException("cannot open the graphs in " + m.dir() + ": " + e.getMessage(), e);
        }
        embed = opened.get(0);
        encoder = opened.get(1);
        decoder = opened.get(2);
        checkNames(decoder, m.decoderFile(), List.of(EMBEDS, MASK, POSITIONS, pastKeys[0]), List.of(LOGITS, HIDDEN, presentKeys[layers - 1]));
        checkNames(encoder, m.encoderFile(), List.of(FEATURES, FRAME_COUNTS), List.of(AUDIO_EMBEDS, AUDIO_COUNTS));
        checkNames(embed, m.embedFile(), List.of(IDS), List.of(EMBEDS));
    }

    private void checkNames(OrtSession s, String file, List<String> inputs, List<String> outputs) {
        try {
            for (String n : inputs) if (!s.getInputNames().contains(n)) throw new GuardException(file + " has no input " + n + " (has " + s.getInputNames() + "); re-run the export");
            for (String n : outputs) if (!s.getOutputNames().contains(n)) throw new GuardException(file + " has no output " + n + " (has " + s.getOutputNames() + "); re-run the export");
        } catch (GuardException e) {
            close();
            throw e;
        }
    }

    /** [S] ids to [S, hidden] embeddings (flattened). */
    float[] embed(long[] ids) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length});
             OrtSession.Result r = embed.run(Map.of(IDS, t))) {
            return floats(r, EMBEDS);
        }
    }

    /** Log-mel [mels, frames] (flattened) with {@code validFrames} real frames to the clip's projected audio rows. */
    AudioRows encode(float[] melMajor, int mels, int frames, int validFrames) throws OrtException {
        try (OnnxTensor f = OnnxTensor.createTensor(env, FloatBuffer.wrap(melMajor, 0, mels * frames), new long[] {1, mels, frames});
             OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {validFrames}), new long[] {1});
             OrtSession.Result r = encoder.run(Map.of(FEATURES, f, FRAME_COUNTS, c))) {
            long count = ((OnnxTensor) value(r, AUDIO_COUNTS)).getLongBuffer().get(0);
            OnnxTensor rows = (OnnxTensor) value(r, AUDIO_EMBEDS);
            FloatBuffer b = rows.getFloatBuffer();
            float[] out = new float[(int) count * hidden]; // only the clip's real rows; padding rows are dropped
            b.get(out);
            return new AudioRows(out, (int) count);
        }
    }

    /**
     * One decoder call over {@code seq} new embeddings after {@code pastLength} cached positions
     * (0 and {@code past == null} for the prefill). The caller owns and closes the result.
     */
    OrtSession.Result decode(float[] embeds, int seq, int pastLength, OrtSession.Result past) throws OrtException {
        long total = (long) pastLength + seq;
        long[] mask = new long[(int) total];
        java.util.Arrays.fill(mask, 1L);
        long[] positions = new long[seq];
        for (int s = 0; s < seq; s++) positions[s] = pastLength + s;
        List<OnnxTensor> created = new ArrayList<>();
        try {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put(EMBEDS, track(created, OnnxTensor.createTensor(env, FloatBuffer.wrap(embeds), new long[] {1, seq, hidden})));
            in.put(MASK, track(created, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, total})));
            in.put(POSITIONS, track(created, OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, seq})));
            if (past == null) {
                long[] empty = {1, kvHeads, 0, headDim};
                for (int i = 0; i < layers; i++) {
                    in.put(pastKeys[i], track(created, OnnxTensor.createTensor(env, FloatBuffer.allocate(0), empty)));
                    in.put(pastValues[i], track(created, OnnxTensor.createTensor(env, FloatBuffer.allocate(0), empty)));
                }
            } else {
                // the previous step's outputs feed this step directly: no copy of the cache through Java
                for (int i = 0; i < layers; i++) {
                    in.put(pastKeys[i], (OnnxTensor) value(past, presentKeys[i]));
                    in.put(pastValues[i], (OnnxTensor) value(past, presentValues[i]));
                }
            }
            return decoder.run(in);
        } finally {
            for (OnnxTensor t : created) t.close();
        }
    }

    int hidden() {
        return hidden;
    }

    static OnnxValue value(OrtSession.Result r, String name) {
        return r.get(name).orElseThrow(() -> new GuardException("the graph returned no output '" + name + "'; re-run the export"));
    }

    /** The row at position {@code rows - 1} of a [1, rows, width] output, copying only that row. */
    static float[] lastRow(OrtSession.Result r, String name, int rows, int width) throws OrtException {
        FloatBuffer b = ((OnnxTensor) value(r, name)).getFloatBuffer();
        if (b.remaining() != (long) rows * width)
            throw new GuardException("output " + name + " has " + b.remaining() + " values, expected " + rows + " x " + width + "; re-run the export");
        float[] row = new float[width];
        b.position((rows - 1) * width);
        b.get(row);
        return row;
    }

    static float[] floats(OrtSession.Result r, String name) throws OrtException {
        FloatBuffer b = ((OnnxTensor) value(r, name)).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    private static OnnxTensor track(List<OnnxTensor> created, OnnxTensor t) {
        created.add(t);
        return t;
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException | RuntimeException ignored) {
            // already failing; the original error is the one to report
        }
    }

    @Override
    public void close() {
        for (OrtSession s : new OrtSession[] {embed, encoder, decoder}) if (s != null) closeQuietly(s);
    }
}
