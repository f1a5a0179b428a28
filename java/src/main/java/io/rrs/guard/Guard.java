package io.rrs.guard;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rrs.audio.Audio;
import io.rrs.audio.WavDecoder;
import io.rrs.query.AudioFeatures;
import io.rrs.query.QueryEncoder;
import io.rrs.frontend.WhisperOptions;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import io.rrs.text.SpecialTokens;
import io.rrs.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Scope: the runtime guard (DESIGN section 6). {@link #open} verifies the export directory
 * ({@link GuardManifest}) and loads the graphs on ONNX Runtime; {@link #screen} decides ALLOW /
 * REFUSE from one prefill pass (no token generated): the softmax probability of the refusal token
 * ("I") at the last prompt token against the manifest's threshold; {@link #respond} generates
 * the answer greedily with the KV cache. One guard serves any number of threads: the sessions and
 * the tokenizer are shared, and the query encoder keeps its log-mel scratch buffers per thread.
 */
public final class Guard implements AutoCloseable {
    private final GuardManifest manifest;
    private final GuardOptions options;
    private final TextTokenizer tokenizer;
    private final ChatTemplate template;
    private final GuardGraphs graphs;
    private final double threshold;
    private final float[] deltaUnit; // delta_m / |delta_m|, or null
    private final QueryEncoder encoder;

    /** A prompt ready for the decoder: its embeddings, with what the verdict reports about it. */
    private record Prompt(float[] embeds, int length, InputCondition condition, double audioSeconds, boolean trimmed,
                          long frontEndNs, long promptNs, long encoderNs) {}

    private Guard(GuardManifest manifest, GuardOptions options, TextTokenizer tokenizer, GuardGraphs graphs) {
        this.manifest = manifest;
        this.options = options;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(tokenizer);
        this.graphs = graphs;
        this.threshold = options.threshold() != null ? options.threshold() : manifest.threshold();
        this.deltaUnit = unit(manifest.deltaM());
        this.encoder = new QueryEncoder(manifest.frontEnd(), template);
    }

    /** Opens an export directory with the default options (CPU, errors thrown). */
    public static Guard open(Path dir) {
        return open(dir, GuardOptions.defaults());
    }

    /** Opens an export directory: manifest and every file's SHA-256 verified, tokenizer checked against it, graphs loaded. */
    public static Guard open(Path dir, GuardOptions options) {
        GuardManifest m = GuardManifest.read(dir);
        TextTokenizer tok;
        try {
            tok = TextTokenizer.open(m.path(m.tokenizerFile()));
        } catch (IOException | RuntimeException e) {
            throw new GuardException("cannot open the tokenizer " + m.path(m.tokenizerFile()) + ": " + e.getMessage(), e);
        }
        try {
            check(m, "audio_token_id", m.audioTokenId(), tok.specialTokenId(SpecialTokens.AUDIO));
            check(m, "pad_token_id", m.padTokenId(), tok.specialTokenId(SpecialTokens.END_OF_TEXT));
            check(m, "stop_token_id", m.stopTokenId(), tok.specialTokenId(SpecialTokens.IM_END));
            check(m, "refusal_token_id", m.refusalTokenId(), tok.refusalTokenId());
            return new Guard(m, options, tok, new GuardGraphs(m, options));
        } catch (RuntimeException e) {
            tok.close();
            throw e instanceof GuardException g ? g : new GuardException(dir + ": " + e.getMessage(), e);
        }
    }

    private static void check(GuardManifest m, String field, int listed, int actual) {
        if (listed != actual)
            throw new GuardException(m.path(GuardManifest.FILE) + ": " + field + " is " + listed + " but the tokenizer gives " + actual + "; re-run the export");
    }

    public GuardManifest manifest() {
        return manifest;
    }

    public GuardOptions options() {
        return options;
    }

    /** The threshold in use: the options' override, else the manifest's. */
    public double threshold() {
        return threshold;
    }

    /**
     * The verdict for one query from one prefill pass. Failures throw {@link GuardException}
     * naming the query, or, when the guard is fail-closed, give REFUSE with the error recorded.
     */
    public Verdict screen(GuardQuery query) {
        long start = System.nanoTime();
        try {
            Prompt p = prepare(query);
            long t = System.nanoTime();
            try (OrtSession.Result r = graphs.decode(p.embeds(), p.length(), 0, null)) {
                return verdict(query, p, r, System.nanoTime() - t, start);
            }
        } catch (Exception e) {
            return failed(query, e, start);
        }
    }

    /** Generates the answer greedily with the KV cache; the prefill's verdict comes with it. Failures always throw. */
    public Response respond(GuardQuery query, RespondOptions ro) {
        long start = System.nanoTime();
        try {
            Prompt p = prepare(query);
            long t = System.nanoTime();
            OrtSession.Result step = graphs.decode(p.embeds(), p.length(), 0, null);
            try {
                Verdict v = verdict(query, p, step, System.nanoTime() - t, start);
                long decodeStart = System.nanoTime();
                int[] tokens = new int[ro.maxNewTokens()];
                int n = 0, past = p.length();
                boolean stopped = false;
                while (true) {
                    int next = argmax(lastLogits(step));
                    if (next == manifest.stopTokenId() || next == manifest.padTokenId()) {
                        stopped = true;
                        break;
                    }
                    tokens[n++] = next;
                    if (n == ro.maxNewTokens() || past >= manifest.maxPositions()) break; // no position left for another token
                    float[] embeds = graphs.embed(new long[] {next});
                    OrtSession.Result following = graphs.decode(embeds, 1, past, step);
                    step.close(); // the cache now lives in `following`
                    step = following;
                    past++;
                }
                int[] out = Arrays.copyOf(tokens, n);
                String text = tokenizer.decode(out, true);
                long end = System.nanoTime();
                return new Response(query.id(), text, out, stopped, ro.phrases().refuses(text), v, ms(end - decodeStart), ms(end - start));
            } finally {
                step.close();
            }
        } catch (GuardException e) {
            throw e;
        } catch (Exception e) {
            throw new GuardException(describe(query) + ": " + message(e), e);
        }
    }

    private Verdict failed(GuardQuery query, Exception e, long start) {
        String message = describe(query) + ": " + message(e);
        if (options.failClosed()) return Verdict.failedClosed(query.id(), threshold, message, ms(System.nanoTime() - start));
        throw e instanceof GuardException g && g.getMessage().startsWith(describe(query)) ? g : new GuardException(message, e);
    }

    /** Decodes and checks the audio, renders and embeds the prompt, splices the encoder's rows in. */
    private Prompt prepare(GuardQuery q) throws Exception {
        long t0 = System.nanoTime();
        Audio audio = null;
        // at the input's own rate: the query encoder resamples once, to its front-end's rate
        if (q.wav() != null) audio = WavDecoder.decode(q.wav(), "WAV bytes");
        else if (q.pcm() != null) audio = new Audio(q.pcm(), q.sampleRate());
        boolean hasAudio = audio != null && audio.length() > 0, hasText = !q.text().isBlank();
        if (!hasAudio && !hasText)
            throw new GuardException(describe(q) + ": nothing to screen: " + (q.hasAudioInput() ? "the audio has 0 samples" : "no audio")
                    + " and no text; pass a WAV, PCM samples or text");
        AudioFeatures features = null;
        if (hasAudio) {
            WhisperOptions fe = encoder.frontEnd();
            if (audio.durationSeconds() > fe.chunkSeconds() && options.longAudio() == GuardOptions.LongAudio.REJECT)
                throw new GuardException(describe(q) + ": the audio lasts " + String.format("%.2f", audio.durationSeconds()) + " s, longer than the model's "
                        + fe.chunkSeconds() + " s window; cut it, or open the guard with long audio TRIM");
            try {
                features = encoder.features(audio); // a longer clip keeps its first window (pad_or_trim), as Hugging Face's processor does
            } catch (IllegalArgumentException e) {
                throw new GuardException(describe(q) + ": " + e.getMessage(), e);
            }
        }
        long t1 = System.nanoTime();
        InputCondition condition = hasAudio ? (hasText ? InputCondition.AUDIO_TEXT : InputCondition.AUDIO_ONLY) : InputCondition.TEXT_ONLY;
        String text = hasText ? q.text() : "";
        ChatTemplate.Encoded enc = encoder.encode(features, positions -> new ChatPrompt(condition, positions, text, manifest.system())).tokens();
        if (enc.length() > manifest.maxPositions())
            throw new GuardException(describe(q) + ": the prompt has " + enc.length() + " tokens, more than the model's " + manifest.maxPositions() + "; shorten the text");
        long[] ids = new long[enc.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = enc.ids()[i];
        float[] embeds = graphs.embed(ids);
        long t2 = System.nanoTime();
        if (hasAudio) {
            // the clip's kept frames ([mels][kept], the encoder's input for one clip) rather than the whole window: a 3 s clip in a
            // 30 s window costs a tenth
            GuardGraphs.AudioRows rows = graphs.encode(features.melMajor(), features.melBins(), features.keptFrames(), features.validFrames());
            if (rows.count() != enc.audioLength())
                throw new GuardException(describe(q) + ": the encoder gave " + rows.count() + " audio rows for " + enc.audioLength()
                        + " <|AUDIO|> positions; the export's encoder does not match this front-end, re-run the export");
            System.arraycopy(rows.rows(), 0, embeds, enc.audioStart() * graphs.hidden(), rows.count() * graphs.hidden());
        }
        long t3 = System.nanoTime();
        double seconds = hasAudio ? features.seconds() : 0;
        boolean trimmed = hasAudio && features.trimmed();
        return new Prompt(embeds, ids.length, condition, seconds, trimmed, t1 - t0, t2 - t1, t3 - t2);
    }

    /** Reads the last position's logits and hidden state and decides. */
    private Verdict verdict(GuardQuery q, Prompt p, OrtSession.Result r, long prefillNs, long start) throws OrtException {
        float[] logits = lastLogits(r);
        double probability = softmaxAt(logits, manifest.refusalTokenId());
        double score = probability;
        if (deltaUnit != null) {
            float[] h = GuardGraphs.lastRow(r, GuardGraphs.HIDDEN, p.length(), manifest.hiddenSize());
            score = 0;
            for (int j = 0; j < h.length; j++) score += (double) h[j] * deltaUnit[j];
        }
        if (!Double.isFinite(probability)) throw new GuardException(describe(q) + ": the model gave a non-finite refusal probability; the export is broken");
        boolean refuse = options.decision() == GuardOptions.Decision.GREEDY ? argmax(logits) == manifest.refusalTokenId() : probability >= threshold;
        Verdict.Decision d = refuse ? Verdict.Decision.REFUSE : Verdict.Decision.ALLOW;
        long end = System.nanoTime();
        return new Verdict(q.id(), d, score, probability, threshold, label(p.condition()), p.length(), p.audioSeconds(), p.trimmed(), null,
                new Verdict.Timings(ms(p.frontEndNs()), ms(p.promptNs()), ms(p.encoderNs()), ms(prefillNs), ms(end - start)));
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** The decoder call's logits, which the graph computes for its last position only. */
    private float[] lastLogits(OrtSession.Result r) throws OrtException {
        return GuardGraphs.lastRow(r, GuardGraphs.LOGITS, 1, manifest.vocabSize());
    }

    /** softmax(logits)[k] in double, shifted by the maximum so no exponent overflows. */
    static double softmaxAt(float[] logits, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) max = Math.max(max, x);
        double sum = 0;
        for (float x : logits) sum += Math.exp(x - max);
        return Math.exp(logits[k] - max) / sum;
    }

    private static float[] unit(float[] v) {
        if (v == null) return null;
        double norm = 0;
        for (float x : v) norm += (double) x * x;
        norm = Math.sqrt(norm);
        if (norm == 0) return null; // an all-zero delta_m carries no direction: the score falls back to the probability
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) u[i] = (float) (v[i] / norm);
        return u;
    }

    static String label(InputCondition c) {
        return c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String describe(GuardQuery q) {
        return q.id().isEmpty() ? "query" : "query " + q.id();
    }

    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    @Override
    public void close() {
        graphs.close();
        tokenizer.close();
    }
}
