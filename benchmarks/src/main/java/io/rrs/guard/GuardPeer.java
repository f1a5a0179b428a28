package io.rrs.guard;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rrs.audio.WavDecoder;
import io.rrs.query.AudioFeatures;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import io.rrs.text.TextTokenizer;
import java.nio.file.Path;

/**
 * Scope (benchmarks only): the steps of {@link Guard#screen} split at the front-end, so that
 * EnginePeerBench can time ONNX Runtime on precomputed features exactly as libtorch is timed.
 * {@link #features} is the guard's front-end and prompt (same classes, same encoder frame rule);
 * {@link #prefill} and {@link #generate} are its graph calls ({@link GuardGraphs}: embed, encode,
 * splice, decoder with the cache fed back). It lives in {@code io.rrs.guard} only to reach those
 * package-private calls, so the benchmark runs the guard's own ONNX Runtime code, not a copy.
 */
public final class GuardPeer implements AutoCloseable {
    /** A query after the front-end: prompt ids and log-mel [mels, frames] (valid frames + the guard's margin). */
    public record Features(long[] ids, float[] melMajor, int mels, int frames, int validFrames, int audioStart, int audioLength) {}

    private final GuardManifest manifest;
    private final TextTokenizer tokenizer;
    private final QueryEncoder encoder;
    private final GuardGraphs graphs; // null: front-end only (the libtorch side)

    private GuardPeer(Path dir, Integer intraOpThreads) {
        manifest = GuardManifest.read(dir);
        try {
            tokenizer = TextTokenizer.open(manifest.path(manifest.tokenizerFile()));
        } catch (java.io.IOException e) {
            throw new GuardException("cannot open the tokenizer of " + dir + ": " + e.getMessage(), e);
        }
        encoder = new QueryEncoder(manifest.frontEnd(), new ChatTemplate(tokenizer));
        graphs = intraOpThreads == null ? null : new GuardGraphs(manifest, GuardOptions.defaults().withIntraOpThreads(intraOpThreads));
    }

    /** The export's graphs on ONNX Runtime with {@code intraOpThreads}, as {@code Guard.open} loads them. */
    public static GuardPeer open(Path dir, int intraOpThreads) {
        return new GuardPeer(dir, intraOpThreads);
    }

    /** Front-end and prompt only (no ONNX Runtime session): what the libtorch side needs. */
    public static GuardPeer frontEndOnly(Path dir) {
        return new GuardPeer(dir, null);
    }

    public GuardManifest manifest() {
        return manifest;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Guard.prepare up to the graphs for a WAV audio-text query: the query encoder's features (valid + margin frames) and prompt ids. */
    public Features features(GuardQuery q) throws Exception {
        if (q.wav() == null || q.text().isBlank()) throw new IllegalArgumentException("the engine benchmark takes a WAV audio-text query");
        AudioFeatures audio = encoder.features(WavDecoder.decode(q.wav(), "WAV bytes"));
        ChatTemplate.Encoded enc = encoder.encode(audio, positions -> new ChatPrompt(InputCondition.AUDIO_TEXT, positions, q.text(), manifest.system())).tokens();
        long[] ids = new long[enc.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = enc.ids()[i];
        return new Features(ids, audio.melMajor(), audio.melBins(), audio.keptFrames(), audio.validFrames(), enc.audioStart(), enc.audioLength());
    }

    /** Refusal-token probability at the last prompt token: embed, encode, splice, one decoder prefill. */
    public double prefill(Features f) throws OrtException {
        try (OrtSession.Result r = graphs.decode(embedPrompt(f), f.ids().length, 0, null)) {
            return Guard.softmaxAt(lastLogits(r), manifest.refusalTokenId());
        }
    }

    /** Greedy generation of exactly {@code n} tokens with the KV cache (no stop token: a fixed amount of work). */
    public int[] generate(Features f, int n) throws OrtException {
        int past = f.ids().length;
        OrtSession.Result step = graphs.decode(embedPrompt(f), past, 0, null);
        try {
            int[] out = new int[n];
            for (int i = 0; ; i++) {
                out[i] = argmax(lastLogits(step));
                if (i + 1 == n) return out;
                OrtSession.Result next = graphs.decode(graphs.embed(new long[] {out[i]}), 1, past, step);
                step.close(); // the cache lives on in `next`, as in Guard.respond
                step = next;
                past++;
            }
        } finally {
            step.close();
        }
    }

    /** softmax(logits)[k] exactly as the guard computes it. */
    public static double softmaxAt(float[] logits, int k) {
        return Guard.softmaxAt(logits, k);
    }

    private float[] embedPrompt(Features f) throws OrtException {
        float[] embeds = graphs.embed(f.ids());
        GuardGraphs.AudioRows rows = graphs.encode(f.melMajor(), f.mels(), f.frames(), f.validFrames());
        if (rows.count() != f.audioLength()) throw new IllegalStateException("encoder gave " + rows.count() + " rows for " + f.audioLength() + " <|AUDIO|> positions");
        System.arraycopy(rows.rows(), 0, embeds, f.audioStart() * graphs.hidden(), rows.count() * graphs.hidden());
        return embeds;
    }

    /** The decoder's logits: its last position's only, as the guard reads them. */
    private float[] lastLogits(OrtSession.Result r) throws OrtException {
        return GuardGraphs.lastRow(r, GuardGraphs.LOGITS, 1, manifest.vocabSize());
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    @Override
    public void close() {
        if (graphs != null) graphs.close();
        tokenizer.close();
    }
}
