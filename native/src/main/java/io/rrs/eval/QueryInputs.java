package io.rrs.eval;

import io.rrs.audio.Audio;
import io.rrs.audio.AudioLoader;
import io.rrs.data.Manifest;
import io.rrs.data.SpokenDataset;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Tensors;
import io.rrs.text.BatchEncoding;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Scope: turns spoken-dataset utterances into one left-padded model batch for an input condition:
 * WAV -> 16 kHz -> Whisper log-mel (the model's {@code num_mel_bins}) -> features [B, mels, T],
 * and the chat template with one {@code <|AUDIO|>} per pooled frame. The audio window is Whisper's
 * pad-or-trim to 30 s, shortened to whole seconds when the model's encoder accepts fewer frames
 * ({@code 2 * max_source_positions}); a real Qwen2-Audio checkpoint gets exactly HF's 3000 frames.
 * One instance owns Whisper scratch buffers: use it from one thread.
 */
public final class QueryInputs {
    private static final int FRAMES_PER_SECOND = 100; // Whisper's 160-sample hop at 16 kHz

    private final ChatTemplate template;
    private final SpokenDataset data;
    private final WhisperLogMel logMel;
    private final int mels;
    private final int frames;

    public QueryInputs(Qwen2AudioConfig config, ChatTemplate template, SpokenDataset data) {
        this.template = template;
        this.data = data;
        int maxFrames = config.audio().maxFrames();
        int seconds = Math.min(30, maxFrames / FRAMES_PER_SECOND);
        if (seconds < 1)
            throw new IllegalArgumentException("the model's audio encoder takes at most " + maxFrames + " frames (2 * audio_config.max_source_positions), "
                    + "less than one second of Whisper features; use max_source_positions >= 50");
        int numMels = config.audio().numMelBins();
        WhisperOptions base = WhisperOptions.ofMels(numMels); // fails naming 80/128 for other counts
        this.logMel = new WhisperLogMel(new WhisperOptions(numMels, base.fftSize(), base.hopLength(), base.sampleRate(), seconds, true));
        this.mels = numMels;
        this.frames = logMel.numFrames(0);
    }

    /** Audio window in log-mel frames (every clip is padded or trimmed to it). */
    public int windowFrames() {
        return frames;
    }

    public ChatTemplate template() {
        return template;
    }

    /** A batch of {@code entries} under {@code condition}, the prompt as {@link EvalPrompts} builds it. */
    public ModelInput build(List<Manifest.Entry> entries, InputCondition condition) throws IOException {
        return build(entries, condition, UnaryOperator.identity());
    }

    /**
     * A batch whose prompts are {@link EvalPrompts#prompt} passed through {@code edit} (e.g. adding
     * the refusal instruction, which may turn audio-only into audio-text). Audio is loaded when the
     * edited prompt carries audio.
     */
    public ModelInput build(List<Manifest.Entry> entries, InputCondition condition, UnaryOperator<ChatPrompt> edit) throws IOException {
        if (entries.isEmpty()) throw new IllegalArgumentException("a batch needs at least one utterance");
        int batch = entries.size();
        float[] features = condition.hasAudio() ? new float[batch * mels * frames] : null;
        float[] one = condition.hasAudio() ? new float[mels * frames] : null;
        long[] valid = new long[batch];
        List<ChatPrompt> prompts = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            Manifest.Entry e = entries.get(b);
            int positions = 0;
            if (condition.hasAudio()) {
                Audio audio = AudioLoader.toModelRate(AudioLoader.load(data.wav(e)));
                valid[b] = logMel.extractMelMajor(audio.samples(), one);
                if (valid[b] < 3) throw new IOException(data.wav(e) + " holds " + audio.samples().length + " samples, too short for one audio position; rebuild it");
                System.arraycopy(one, 0, features, b * mels * frames, mels * frames);
                positions = ChatTemplate.audioPositions((int) valid[b]);
            }
            ChatPrompt p = edit.apply(EvalPrompts.prompt(condition, e.text(), positions));
            if (p.condition().hasAudio() != condition.hasAudio())
                throw new IllegalArgumentException("a prompt edit may not add or remove audio (" + condition + " became " + p.condition() + ")");
            prompts.add(p);
        }
        BatchEncoding enc = template.encodeBatch(prompts);
        ModelInput text = new ModelInput(Tensors.longs(enc.flatIds(), batch, enc.length()), Tensors.longs(enc.flatAttentionMask(), batch, enc.length()), null, null);
        return condition.hasAudio() ? text.withAudio(features, mels, frames, valid) : text;
    }
}
