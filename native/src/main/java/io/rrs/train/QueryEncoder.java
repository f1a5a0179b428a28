package io.rrs.train;

import io.rrs.audio.AudioLoader;
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
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: turns spoken queries into model batches for RRS, the same way for prepare and for training:
 * WAV -> 16 kHz ({@link AudioLoader}) -> Whisper log-mel ({@link WhisperLogMel}, the model's mel count)
 * padded or trimmed to the model's audio window ({@code 2 * max_source_positions} frames, 30 s for
 * Qwen2-Audio, as Hugging Face's processor does) -> chat template with one {@code <|AUDIO|>} per pooled
 * frame, left-padded. Features are cached per utterance up to a byte budget (training reads each
 * utterance every epoch).
 */
public final class QueryEncoder {
    /**
     * How much of the audio window a batch carries: the whole model window (what Hugging Face's processor and
     * the runtime feed; the default), or only up to the batch's longest clip (valid frame counts mark the rest as
     * padding). BATCH is much faster with a 30 s window and 2-5 s questions, but the clip's last frames then meet
     * zeros (frames past each clip are zeroed, so a row does not depend on its batch) instead of the window's
     * silence features: a small difference from inference.
     */
    public enum AudioPadding { WINDOW, BATCH }

    private final ChatTemplate template;
    private final int melBins;
    private final int windowFrames;
    private final AudioPadding padding;
    private final WhisperLogMel logMel;
    private final float[] chunkBuffer;
    private final long cacheBudgetFloats;
    private final Map<String, Features> cache = new HashMap<>();
    private long cachedFloats;

    private record Features(float[] melMajor, int validFrames) {}

    public QueryEncoder(Qwen2AudioConfig config, ChatTemplate template, AudioPadding padding, long cacheBudgetBytes) {
        this.template = template;
        this.padding = padding;
        this.melBins = config.audio().numMelBins();
        this.windowFrames = config.audio().maxFrames();
        if (melBins != 80 && melBins != 128)
            throw new IllegalArgumentException("audio_config.num_mel_bins = " + melBins + ": the Whisper front-end computes 80 or 128 mel bins");
        if (config.audioTokenIndex() != template.audioTokenId())
            throw new IllegalArgumentException("the model's audio_token_index is " + config.audioTokenIndex() + " but the tokenizer's <|AUDIO|> is "
                    + template.audioTokenId() + "; use the tokenizer.json that belongs to the model");
        // The front-end's window is whole seconds (100 frames each); frames past the model's window are dropped.
        int seconds = Math.max(1, (windowFrames + 99) / 100);
        this.logMel = new WhisperLogMel(new WhisperOptions(melBins, 400, 160, 16000, seconds, true));
        this.chunkBuffer = new float[melBins * logMel.numFrames(0)];
        this.cacheBudgetFloats = cacheBudgetBytes / Float.BYTES;
    }

    public ChatTemplate template() {
        return template;
    }

    /**
     * One batch: each query under {@code condition}; {@code instructions.get(i)} is row i's text instruction
     * (used by audio-text only); {@code refusal} appends the refusal instruction (h0(harmful + refusal)).
     */
    public ModelInput encode(List<Query> queries, InputCondition condition, List<String> instructions, boolean refusal) {
        List<Features> features = features(queries, condition);
        BatchEncoding batch = template.encodeBatch(prompts(queries, condition, instructions, refusal, features));
        ModelInput in = new ModelInput(Tensors.longs(batch.flatIds(), batch.batchSize(), batch.length()),
                Tensors.longs(batch.flatAttentionMask(), batch.batchSize(), batch.length()), null, null);
        return withAudio(in, features);
    }

    /**
     * Prompt + answer per query, for cross-entropy on the answers ({@code rrs sft train}): the same prompts and audio
     * as {@link #encode} (without the refusal instruction), followed by {@code answers.get(i)}, row i's answer ids
     * (closed with {@code <|im_end|>}, {@code ChatTemplate.encodeAnswer}).
     */
    public AnswerTokens.Batch encodeWithAnswers(List<Query> queries, InputCondition condition, List<String> instructions, List<int[]> answers) {
        if (queries.size() != answers.size()) throw new IllegalArgumentException(queries.size() + " queries but " + answers.size() + " answers");
        List<Features> features = features(queries, condition);
        List<ChatPrompt> prompts = prompts(queries, condition, instructions, false, features);
        List<AnswerTokens.Sequence> seqs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) seqs.add(AnswerTokens.Sequence.of(template.encode(prompts.get(i)).ids(), answers.get(i)));
        AnswerTokens.Batch batch = AnswerTokens.leftPadded(seqs, template.padId());
        return batch.withInput(withAudio(batch.input(), features));
    }

    /** Each query's features under {@code condition} (null entries without audio). */
    private List<Features> features(List<Query> queries, InputCondition condition) {
        List<Features> features = new ArrayList<>();
        for (Query q : queries) features.add(condition.hasAudio() ? features(q) : null);
        return features;
    }

    private List<ChatPrompt> prompts(List<Query> queries, InputCondition condition, List<String> instructions, boolean refusal, List<Features> features) {
        if (queries.size() != instructions.size())
            throw new IllegalArgumentException(queries.size() + " queries but " + instructions.size() + " instructions");
        List<ChatPrompt> prompts = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            Features f = features.get(i);
            int positions = f == null ? 0 : ChatTemplate.audioPositions(f.validFrames());
            ChatPrompt p = switch (condition) {
                case AUDIO_TEXT -> ChatPrompt.audioText(positions, instructions.get(i));
                case TEXT_ONLY -> ChatPrompt.textOnly(q.text());
                case AUDIO_ONLY -> ChatPrompt.audioOnly(positions);
            };
            prompts.add(refusal ? p.withRefusalInstruction() : p);
        }
        return prompts;
    }

    /** {@code in} with the audio features of its rows (unchanged when the rows carry no audio). */
    private ModelInput withAudio(ModelInput in, List<Features> features) {
        if (features.isEmpty() || features.get(0) == null) return in;
        int rows = features.size();
        long[] valid = new long[rows];
        int frames = 0;
        for (int i = 0; i < rows; i++) {
            valid[i] = features.get(i).validFrames();
            frames = Math.max(frames, features.get(i).validFrames());
        }
        if (padding == AudioPadding.WINDOW) frames = windowFrames;
        float[] all = new float[rows * melBins * frames];
        for (int i = 0; i < rows; i++) {
            // BATCH: frames past a clip's end stay zero, so a clip meets the same (zero) padding whatever its batch
            int copy = padding == AudioPadding.WINDOW ? frames : (int) valid[i];
            for (int m = 0; m < melBins; m++)
                System.arraycopy(features.get(i).melMajor(), m * windowFrames, all, (i * melBins + m) * frames, copy);
        }
        return in.withAudio(all, melBins, frames, valid);
    }

    private Features features(Query q) {
        Features cached = cache.get(q.id());
        if (cached != null) return cached;
        float[] samples;
        try {
            samples = AudioLoader.load(q.wav()).samples();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audio of " + q.id() + " (" + q.wav() + "): " + e.getMessage()
                    + "; rebuild the spoken dataset with 'rrs data build'", e);
        }
        int valid = logMel.extractMelMajor(samples, chunkBuffer);
        int chunkFrames = logMel.numFrames(samples.length);
        float[] window = new float[melBins * windowFrames];
        int copy = Math.min(chunkFrames, windowFrames);
        for (int m = 0; m < melBins; m++) System.arraycopy(chunkBuffer, m * chunkFrames, window, m * windowFrames, copy);
        Features f = new Features(window, Math.min(valid, windowFrames));
        if (f.validFrames() < 3)
            throw new IllegalArgumentException(q.id() + ": " + q.wav() + " is too short (" + f.validFrames() + " frames); the audio tower needs >= 3");
        if (cachedFloats + window.length <= cacheBudgetFloats) {
            cache.put(q.id(), f);
            cachedFloats += window.length;
        }
        return f;
    }
}
