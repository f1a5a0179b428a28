package io.rrs.export;

import ai.onnxruntime.OrtException;
import io.rrs.model.ModelInput;
import io.rrs.model.ModelOutput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.query.AudioBatch;
import io.rrs.query.AudioFeatures;
import io.rrs.query.AudioPositions;
import io.rrs.query.EncodedBatch;
import io.rrs.query.EncodedQuery;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatPrompt;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

/**
 * Scope: the export's acceptance test. For each input condition (audio-text, text-only,
 * audio-only) a left-padded batch of two prompts of different lengths runs through ONNX Runtime
 * and through the libtorch model: the prefill over the prompt, {@link #DECODE_STEPS} decode steps
 * with the KV cache (one token each, fed the libtorch greedy choice), and one prefill over the whole
 * extended sequence without cache. Then one audio-text prompt whose clip fills the audio tower's
 * whole window (its {@code max_source_positions} x 2 frames: 30 s, 3000 frames, 1500 encoder positions
 * for Qwen2-Audio): the prefill and one decode step. Last hidden states are compared at every real
 * token; logits, which the decoder graph computes for the last position only, against the libtorch
 * forward's last row.
 */
final class ParityCheck {
    static final int DECODE_STEPS = 3;
    /** Decode steps after the whole-window prefill: the cache over a ~1500-token prompt is exercised once. */
    static final int WINDOW_DECODE_STEPS = 1;
    /** Pass names of the whole-window case start with this. */
    static final String WINDOW = "window";

    /** One comparison: which input and pass, and the largest absolute differences found. */
    record Row(InputCondition condition, String pass, double logitsDiff, double hiddenDiff) {
        double max() {
            return Math.max(logitsDiff, hiddenDiff);
        }
    }

    record Report(List<Row> rows) {
        double maxDiff() {
            return rows.stream().mapToDouble(Row::max).max().orElse(Double.NaN);
        }

        Row worst() {
            return rows.stream().max((a, b) -> Double.compare(a.max(), b.max())).orElseThrow();
        }

        String table() {
            StringBuilder sb = new StringBuilder(String.format("%-11s %-36s %12s %12s%n", "condition", "pass", "logits", "hidden"));
            for (Row r : rows) sb.append(String.format("%-11s %-36s %12.3e %12.3e%n", r.condition(), r.pass(), r.logitsDiff(), r.hiddenDiff()));
            return sb.toString();
        }
    }

    private final Qwen2AudioModel model;
    private final QueryEncoder encoder;
    private final OnnxPipeline onnx;

    /** {@code encoder}: the checkpoint folder's query encoder, through which every compared batch is built. */
    ParityCheck(Qwen2AudioModel model, QueryEncoder encoder, OnnxPipeline onnx) {
        this.model = model;
        this.encoder = encoder;
        this.onnx = onnx;
    }

    Report run() throws OrtException {
        List<Row> rows = new ArrayList<>();
        // short clips keep the check fast on real checkpoints too; two lengths exercise padded frames
        int window = encoder.windowFrames();
        int longer = Math.min(window, 160), shorter = Math.max(AudioPositions.MIN_FRAMES, longer * 5 / 8);
        for (InputCondition condition : InputCondition.values()) {
            long seed = 1234 + condition.ordinal();
            List<EncodedQuery> queries = switch (condition) {
                case AUDIO_TEXT -> List.of(encoder.encode(clip(longer, window, seed), p -> ChatPrompt.audioText(p, Prompts.AUDIO_TEXT_INSTRUCTION)),
                        encoder.encode(clip(shorter, window, seed + 7), p -> ChatPrompt.audioText(p, Prompts.INSTRUCTION_POOL.get(0))));
                case TEXT_ONLY -> List.of(encoder.encode(ChatPrompt.textOnly("How do I bake bread at home?")),
                        encoder.encode(ChatPrompt.textOnly(Prompts.withRefusalInstruction("What is the safest way to store kitchen knives so that children cannot reach them?"))));
                case AUDIO_ONLY -> List.of(encoder.encode(clip(shorter, window, seed), ChatPrompt::audioOnly),
                        encoder.encode(clip(longer, window, seed + 7), ChatPrompt::audioOnly));
            };
            compare(condition, "", encoder.batch(queries, QueryEncoder.AudioPadding.BATCH), DECODE_STEPS, true, rows);
        }
        // the longest input the tower takes, whatever shorter window the front-end uses
        int towerFrames = model.config().audio().maxFrames();
        EncodedQuery whole = encoder.encode(clip(towerFrames, towerFrames, 99), p -> ChatPrompt.audioText(p, Prompts.AUDIO_TEXT_INSTRUCTION));
        compare(InputCondition.AUDIO_TEXT, WINDOW + " " + towerFrames + " frames, ", encoder.batch(List.of(whole), QueryEncoder.AudioPadding.BATCH),
                WINDOW_DECODE_STEPS, false, rows);
        return new Report(rows);
    }

    /**
     * A synthetic clip of {@code valid} frames (log-mel-like values) in a window of {@code window} frames; the kept
     * margin past it is zero, which the batch repeats as the clip's silence.
     */
    private AudioFeatures clip(int valid, int window, long seed) {
        Random rnd = new Random(seed);
        int mels = encoder.frontEnd().numMels(), kept = Math.min(window, valid + AudioPositions.TRIM_MARGIN_FRAMES);
        float[] mel = new float[mels * kept];
        for (int m = 0; m < mels; m++)
            for (int t = 0; t < valid; t++) mel[m * kept + t] = (float) (0.25 + 0.5 * rnd.nextGaussian());
        return new AudioFeatures(mel, mels, kept, valid, window, 0, false);
    }

    /** The prefill, {@code decodeSteps} cached steps and, with {@code fullPass}, one uncached pass over it all; pass names start with {@code label}. */
    private void compare(InputCondition condition, String label, EncodedBatch batch, int decodeSteps, boolean fullPass, List<Row> rows) throws OrtException {
        int b = batch.rows(), s = batch.text().length();
        AudioBatch audio = batch.audio();
        float[] features = audio == null ? null : audio.features();
        int mels = audio == null ? 0 : audio.melBins(), frames = audio == null ? 0 : audio.frames();
        long[] frameCounts = audio == null ? null : audio.validFrames();
        long[] ids = batch.text().flatIds(), mask = batch.text().flatAttentionMask();

        // ONNX: prefill over the prompt
        float[] embeds = onnx.embed(ids, b, s);
        if (features != null) onnx.spliceAudio(embeds, ids, b, s, model.config().audioTokenIndex(), features, mels, frames, frameCounts);
        OnnxPipeline.Step step = onnx.decode(embeds, b, s, mask, positions(mask, b, s, s), null);
        float[][] reference = reference(ids, mask, b, s, features, mels, frames, frameCounts);
        rows.add(diff(condition, label + "prefill", step, reference, mask, b, s, 0, s));

        // decode steps with the cache; the reference recomputes the whole sequence each time
        for (int k = 1; k <= decodeSteps; k++) {
            long[] next = greedy(reference[0], b, s + k - 1);
            ids = append(ids, next, b, s + k - 1);
            mask = append(mask, ones(b), b, s + k - 1);
            int total = s + k;
            step = onnx.decode(onnx.embed(next, b, 1), b, 1, mask, positions(mask, b, total, 1), step);
            reference = reference(ids, mask, b, total, features, mels, frames, frameCounts);
            rows.add(diff(condition, label + "decode " + k + " (cache)", step, reference, mask, b, total, total - 1, 1));
        }
        if (!fullPass) return;

        // the whole extended sequence in one pass, no cache
        int total = s + decodeSteps;
        float[] all = onnx.embed(ids, b, total);
        if (features != null) onnx.spliceAudio(all, ids, b, total, model.config().audioTokenIndex(), features, mels, frames, frameCounts);
        OnnxPipeline.Step full = onnx.decode(all, b, total, mask, positions(mask, b, total, total), null);
        rows.add(diff(condition, label + "full (no cache)", full, reference, mask, b, total, 0, total));
    }

    /** libtorch logits and hidden, [B*S*V] and [B*S*D]. */
    private float[][] reference(long[] ids, long[] mask, int b, int s, float[] features, int mels, int frames, long[] counts) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            ModelInput in = new ModelInput(Tensors.longs(ids, b, s), Tensors.longs(mask, b, s), null, null);
            if (features != null) in = in.withAudio(features, mels, frames, counts);
            ModelOutput out = model.forward(in);
            return new float[][] {Tensors.toFloats(out.logits()), Tensors.toFloats(out.hidden())};
        }
    }

    /**
     * Max |onnx - reference| over real tokens; the ONNX step covers reference columns
     * [from, from + width) of a sequence of {@code total} columns, its logits the last of them.
     */
    private Row diff(InputCondition condition, String pass, OnnxPipeline.Step step, float[][] reference, long[] mask, int b, int total, int from, int width) {
        int vocab = model.config().text().vocabSize(), hidden = model.config().text().hiddenSize();
        if (step.logits().length != b * vocab)
            throw new IllegalStateException("the decoder gave " + step.logits().length + " logits for " + b + " rows of " + vocab + "; it must give the last position's only");
        double dl = 0, dh = 0;
        for (int i = 0; i < b; i++) {
            int last = from + width - 1; // left padding: the last column is a real token in every row
            dl = Math.max(dl, maxAbs(step.logits(), i * vocab, reference[0], (i * total + last) * vocab, vocab));
            for (int c = 0; c < width; c++) {
                int col = from + c;
                if (mask[i * total + col] == 0) continue; // outputs at padding are meaningless in both
                dh = Math.max(dh, maxAbs(step.hidden(), (i * width + c) * hidden, reference[1], (i * total + col) * hidden, hidden));
            }
        }
        return new Row(condition, pass, dl, dh);
    }

    private static double maxAbs(float[] a, int aFrom, float[] r, int rFrom, int n) {
        double m = 0;
        for (int j = 0; j < n; j++) {
            double d = Math.abs((double) a[aFrom + j] - r[rFrom + j]);
            if (!(d <= m)) m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d; // NaN fails the check
        }
        return m;
    }

    /** Hugging Face's position ids (cumsum(mask) - 1, 1 at padding) of the last {@code width} of {@code total} columns. */
    static long[] positions(long[] mask, int b, int total, int width) {
        long[] out = new long[b * width];
        for (int i = 0; i < b; i++) {
            long count = 0;
            for (int c = 0; c < total; c++) {
                count += mask[i * total + c];
                int o = c - (total - width);
                if (o >= 0) out[i * width + o] = mask[i * total + c] == 0 ? 1 : count - 1;
            }
        }
        return out;
    }

    /** Argmax of the logits at the last column of each row. */
    private long[] greedy(float[] logits, int b, int total) {
        int vocab = model.config().text().vocabSize();
        long[] out = new long[b];
        for (int i = 0; i < b; i++) {
            int base = (i * total + total - 1) * vocab, best = 0;
            for (int v = 1; v < vocab; v++) if (logits[base + v] > logits[base + best]) best = v;
            out[i] = best;
        }
        return out;
    }

    private static long[] append(long[] rows, long[] column, int b, int width) {
        long[] out = new long[b * (width + 1)];
        for (int i = 0; i < b; i++) {
            System.arraycopy(rows, i * width, out, i * (width + 1), width);
            out[i * (width + 1) + width] = column[i];
        }
        return out;
    }

    private static long[] ones(int n) {
        long[] o = new long[n];
        java.util.Arrays.fill(o, 1);
        return o;
    }
}
