package io.rrs.query;

import io.rrs.audio.Audio;
import io.rrs.audio.AudioLoader;
import io.rrs.audio.WavDecoder;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import io.rrs.text.BatchEncoding;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Scope: the one path from a query to model input, shared by pretraining, RRS prepare and training,
 * SFT, evaluation, the export's parity check and calibration, the guard and the benchmarks. Audio is
 * resampled to the front-end's rate and turned into Whisper log-mel features padded or trimmed to the
 * model's window ({@code preprocessor_config.json}, {@link io.rrs.frontend.PreprocessorConfig}); the
 * clip's valid frames give its {@code <|AUDIO|>} positions ({@link AudioPositions}, the encoder's
 * rule); the user turn built for those positions is rendered by the chat template; rows are
 * left-padded into a batch.
 *
 * <p>Thread-safe: each thread gets its own log-mel scratch buffers.
 */
public final class QueryEncoder {
    /**
     * How many frames of the window a batch carries: the whole window (what Hugging Face's processor
     * feeds), or only up to the batch's longest clip plus {@link AudioPositions#TRIM_MARGIN_FRAMES},
     * the rest being the window's silence. Both give the clips' audio positions the same values up to
     * float summation order; BATCH is much cheaper for 2-5 s questions in a 30 s window.
     */
    public enum AudioPadding {
        WINDOW, BATCH;

        /** "window" or "batch" (any case); another name fails naming the two. */
        public static AudioPadding parse(String name) {
            for (AudioPadding p : values()) if (p.name().equalsIgnoreCase(name.trim())) return p;
            throw new IllegalArgumentException("unknown audio padding \"" + name + "\"; use window or batch");
        }
    }

    private final WhisperOptions frontEnd;
    private final ChatTemplate template;
    private final ThreadLocal<Scratch> scratch;

    /** One thread's log-mel computer and its [mels, window] buffer. */
    private record Scratch(WhisperLogMel logMel, float[] window) {}

    /** {@code frontEnd} pads or trims to its window; read it with {@link io.rrs.frontend.PreprocessorConfig#load}. */
    public QueryEncoder(WhisperOptions frontEnd, ChatTemplate template) {
        if (!frontEnd.padOrTrim())
            throw new IllegalArgumentException("the query encoder needs a front-end that pads or trims to the model's window (pad_or_trim)");
        this.frontEnd = frontEnd;
        this.template = template;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new WhisperLogMel(frontEnd), new float[frontEnd.numMels() * frontEnd.chunkFrames()]));
    }

    public WhisperOptions frontEnd() {
        return frontEnd;
    }

    public ChatTemplate template() {
        return template;
    }

    /** The model's audio window in log-mel frames. */
    public int windowFrames() {
        return frontEnd.chunkFrames();
    }

    /**
     * The features of a clip at any sample rate. Fails when the clip gives fewer than
     * {@link AudioPositions#MIN_FRAMES} valid frames; a clip longer than the window keeps its first
     * window ({@link AudioFeatures#trimmed}), as Hugging Face's processor does.
     */
    public AudioFeatures features(Audio audio) {
        Audio model = AudioLoader.resample(audio, frontEnd.sampleRate());
        Scratch s = scratch.get();
        int valid = s.logMel().extractMelMajor(model.samples(), s.window());
        if (valid < AudioPositions.MIN_FRAMES)
            throw new IllegalArgumentException("the audio has " + model.length() + " samples (" + String.format("%.1f", 1000 * model.durationSeconds())
                    + " ms), too short for one audio position; pass at least " + Math.round(1000.0 * AudioPositions.MIN_FRAMES * frontEnd.hopLength() / frontEnd.sampleRate()) + " ms");
        int window = windowFrames();
        int kept = Math.min(window, valid + AudioPositions.TRIM_MARGIN_FRAMES);
        int mels = frontEnd.numMels();
        float[] mel = new float[mels * kept];
        for (int m = 0; m < mels; m++) System.arraycopy(s.window(), m * window, mel, m * kept, kept);
        return new AudioFeatures(mel, mels, kept, valid, window, model.durationSeconds(), model.length() > frontEnd.chunkSamples());
    }

    /** The features of a WAV file; errors name the file. */
    public AudioFeatures features(Path wav) throws IOException {
        Audio audio = WavDecoder.decode(wav); // at its own rate: features() resamples once, to the front-end's
        try {
            return features(audio);
        } catch (IllegalArgumentException e) {
            throw new IOException(wav + ": " + e.getMessage(), e);
        }
    }

    /**
     * One query: {@code userTurn} builds the prompt for the clip's audio positions (0 without audio),
     * which must carry audio exactly when {@code audio} is given.
     */
    public EncodedQuery encode(AudioFeatures audio, IntFunction<ChatPrompt> userTurn) {
        ChatPrompt prompt = userTurn.apply(audio == null ? 0 : audio.positions());
        return new EncodedQuery(template.encode(prompt), audio);
    }

    /** A prompt without audio. */
    public EncodedQuery encode(ChatPrompt textPrompt) {
        return encode(null, positions -> textPrompt);
    }

    /** Left-pads the rows into one batch, with the audio features {@code padding} asks for. */
    public EncodedBatch batch(List<EncodedQuery> rows, AudioPadding padding) {
        if (rows.isEmpty()) throw new IllegalArgumentException("a batch needs at least one query");
        List<ChatTemplate.Encoded> tokens = new ArrayList<>(rows.size());
        for (EncodedQuery q : rows) tokens.add(q.tokens());
        return new EncodedBatch(BatchEncoding.leftPadded(tokens, template.padId()), audioOf(rows, padding));
    }

    /** The rows' clips padded into one batch as {@code padding} asks, or null when no row carries audio. */
    public AudioBatch audioOf(List<EncodedQuery> rows, AudioPadding padding) {
        List<AudioFeatures> clips = new ArrayList<>(rows.size());
        for (EncodedQuery q : rows) clips.add(q.audio());
        return clips.stream().allMatch(java.util.Objects::isNull) ? null : audio(clips, padding);
    }

    /** Clips (null for a row without audio) padded into one batch as {@code padding} asks. */
    public AudioBatch audio(List<AudioFeatures> clips, AudioPadding padding) {
        int longest = 0;
        for (AudioFeatures a : clips) if (a != null) longest = Math.max(longest, a.keptFrames());
        if (longest == 0) throw new IllegalArgumentException("an audio batch needs at least one clip");
        int frames = padding == AudioPadding.WINDOW ? windowFrames() : longest;
        int mels = frontEnd.numMels();
        float[] features = new float[clips.size() * mels * frames];
        long[] valid = new long[clips.size()];
        for (int b = 0; b < clips.size(); b++) {
            AudioFeatures a = clips.get(b);
            if (a == null) continue; // no audio: zeros, never encoded (valid frames 0)
            a.copyInto(features, b, frames);
            valid[b] = a.validFrames();
        }
        return new AudioBatch(features, mels, frames, valid);
    }
}
