package io.rrs.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: runs the exported graphs with ONNX Runtime the way an application does: token
 * embeddings, audio encoder, splice of the audio embeddings at the {@code <|AUDIO|>} positions,
 * decoder with a KV cache. The exporter's parity check drives it; values cross as Java arrays
 * (every OnnxTensor and Result is closed before a call returns).
 */
final class OnnxPipeline implements AutoCloseable {
    /** Decoder outputs of one call, flattened C order: logits [B, 1, vocab] (the last position's), hidden [B, S, hidden], present keys/values per layer [B, kv, past + S, hd]. */
    record Step(float[] logits, float[] hidden, float[][] presentKeys, float[][] presentValues, long total) {}

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession embed, encoder, decoder;
    private final int layers, kvHeads, headDim, hidden;

    OnnxPipeline(Path embedFile, Path encoderFile, Path decoderFile, int layers, int kvHeads, int headDim, int hidden, int threads) throws OrtException {
        List<OrtSession> opened = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            for (Path f : List.of(embedFile, encoderFile, decoderFile)) opened.add(env.createSession(f.toString(), options));
        } catch (OrtException | RuntimeException e) {
            for (OrtSession s : opened) s.close(); // none may leak when a later graph fails to load
            throw e;
        }
        embed = opened.get(0);
        encoder = opened.get(1);
        decoder = opened.get(2);
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.hidden = hidden;
    }

    /** [B, S] ids to [B, S, hidden] embeddings. */
    float[] embed(long[] ids, int batch, int seq) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {batch, seq});
             OrtSession.Result r = embed.run(Map.of("input_ids", t))) {
            return floats(r, DecoderGraph.EMBEDS);
        }
    }

    /**
     * Replaces, in {@code embeds} [B, S, hidden], each sample's {@code <|AUDIO|>} positions by its
     * encoder rows, in order; the number of placeholders must equal the encoder's count.
     */
    void spliceAudio(float[] embeds, long[] ids, int batch, int seq, long audioToken, float[] features, int mels, int frames, long[] frameCounts)
            throws OrtException {
        float[] audio;
        long[] counts;
        long positions;
        try (OnnxTensor f = OnnxTensor.createTensor(env, FloatBuffer.wrap(features), new long[] {batch, mels, frames});
             OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(frameCounts), new long[] {batch});
             OrtSession.Result r = encoder.run(Map.of(EncoderGraph.FEATURES, f, EncoderGraph.FRAME_COUNTS, c))) {
            audio = floats(r, EncoderGraph.EMBEDS);
            counts = longs(r, EncoderGraph.COUNTS);
            positions = ((OnnxTensor) r.get(EncoderGraph.EMBEDS).orElseThrow()).getInfo().getShape()[1];
        }
        for (int b = 0; b < batch; b++) {
            int k = 0;
            for (int s = 0; s < seq; s++) {
                if (ids[b * seq + s] != audioToken) continue;
                if (k >= counts[b]) throw new IllegalArgumentException("sample " + b + " has more <|AUDIO|> tokens than its " + counts[b] + " audio embeddings");
                System.arraycopy(audio, (int) ((b * positions + k) * hidden), embeds, (b * seq + s) * hidden, hidden);
                k++;
            }
            if (k != counts[b]) throw new IllegalArgumentException("sample " + b + " has " + k + " <|AUDIO|> tokens but " + counts[b] + " audio embeddings");
        }
    }

    /**
     * One decoder call. {@code mask} is [B, past + S]; {@code past} null (or zero-length) for prefill,
     * otherwise the previous step's present keys/values.
     */
    Step decode(float[] embeds, int batch, int seq, long[] mask, long[] positionIds, Step past) throws OrtException {
        long total = mask.length / batch;
        long pastLength = past == null ? 0 : past.total();
        if (total != pastLength + seq)
            throw new IllegalArgumentException("attention mask covers " + total + " positions, expected past " + pastLength + " + new " + seq);
        List<OnnxTensor> open = new ArrayList<>();
        try {
            Map<String, OnnxTensor> in = new LinkedHashMap<>();
            in.put(DecoderGraph.EMBEDS, track(open, OnnxTensor.createTensor(env, FloatBuffer.wrap(embeds), new long[] {batch, seq, hidden})));
            in.put(DecoderGraph.MASK, track(open, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {batch, total})));
            in.put(DecoderGraph.POSITIONS, track(open, OnnxTensor.createTensor(env, LongBuffer.wrap(positionIds), new long[] {batch, seq})));
            long[] pastShape = {batch, kvHeads, pastLength, headDim};
            for (int i = 0; i < layers; i++) {
                float[] k = past == null ? new float[0] : past.presentKeys()[i];
                float[] v = past == null ? new float[0] : past.presentValues()[i];
                in.put(DecoderGraph.pastKey(i), track(open, OnnxTensor.createTensor(env, FloatBuffer.wrap(k), pastShape)));
                in.put(DecoderGraph.pastValue(i), track(open, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), pastShape)));
            }
            try (OrtSession.Result r = decoder.run(in)) {
                float[][] keys = new float[layers][], values = new float[layers][];
                for (int i = 0; i < layers; i++) {
                    keys[i] = floats(r, DecoderGraph.presentKey(i));
                    values[i] = floats(r, DecoderGraph.presentValue(i));
                }
                return new Step(floats(r, DecoderGraph.LOGITS), floats(r, DecoderGraph.HIDDEN), keys, values, total);
            }
        } finally {
            for (OnnxTensor t : open) t.close();
        }
    }

    private static OnnxTensor track(List<OnnxTensor> open, OnnxTensor t) {
        open.add(t);
        return t;
    }

    private static float[] floats(OrtSession.Result r, String name) {
        OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException("the graph has no output '" + name + "'"));
        FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    private static long[] longs(OrtSession.Result r, String name) {
        OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException("the graph has no output '" + name + "'"));
        LongBuffer b = ((OnnxTensor) v).getLongBuffer();
        long[] out = new long[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public void close() throws OrtException {
        try (embed; encoder; decoder) {
            // closes all three, in reverse order, even when one fails
        }
    }
}
