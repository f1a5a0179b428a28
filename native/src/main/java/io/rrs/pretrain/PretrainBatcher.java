package io.rrs.pretrain;

import io.rrs.text.ChatTemplate;
import io.rrs.train.AnswerTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: pretraining examples -> one left-padded batch of prompt + answer tokens with the next-token targets
 * weighted only on the answer (its {@code <|im_end|>} included), through the helper shared with
 * {@code rrs sft train} ({@link AnswerTokens}); audio from the {@link MelFeatureCache}.
 */
final class PretrainBatcher {
    private final ChatTemplate template;
    private final MelFeatureCache features;

    private final double firstTokenWeight;

    PretrainBatcher(ChatTemplate template, MelFeatureCache features) {
        this(template, features, 1.0);
    }

    PretrainBatcher(ChatTemplate template, MelFeatureCache features, double firstTokenWeight) {
        this.template = template;
        this.features = features;
        this.firstTokenWeight = firstTokenWeight;
    }

    /** The tokens of one example given its clip (null without audio). */
    AnswerTokens.Sequence sequence(PretrainMix.Example e, MelFeatureCache.Clip clip) {
        int positions = clip == null ? 0 : ChatTemplate.audioPositions(clip.validFrames());
        return AnswerTokens.Sequence.of(template.encode(e.task().prompt(positions, e.question(), e.instruction())).ids(),
                template.encodeAnswer(e.task().answer(e.question(), e.harmful())));
    }

    /** A batch of {@link PretrainTask#AUDIO_TRANSCRIBE} examples: their clips and the question's token ids. */
    record Transcription(org.bytedeco.pytorch.Tensor features, long[] validFrames, List<int[]> targets) {}

    Transcription transcription(List<PretrainMix.Example> examples) {
        List<MelFeatureCache.Clip> clips = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (PretrainMix.Example e : examples) {
            if (e.task() != PretrainTask.AUDIO_TRANSCRIBE) throw new IllegalArgumentException(e.task() + " in a transcription batch");
            clips.add(features.clip(e.utteranceId(), e.wav()));
            targets.add(template.tokenizer().encode(e.task().answer(e.question(), e.harmful())));
        }
        MelFeatureCache.Batch audio = features.batch(clips);
        return new Transcription(io.rrs.model.Tensors.floats(audio.features(), examples.size(), features.melBins(), audio.frames()), audio.validFrames(), targets);
    }

    AnswerTokens.Batch batch(List<PretrainMix.Example> examples) {
        List<MelFeatureCache.Clip> clips = new ArrayList<>();
        List<AnswerTokens.Sequence> seqs = new ArrayList<>();
        boolean anyAudio = false;
        for (PretrainMix.Example e : examples) {
            MelFeatureCache.Clip clip = e.task().hasAudio() ? features.clip(e.utteranceId(), e.wav()) : null;
            anyAudio |= clip != null;
            clips.add(clip);
            seqs.add(sequence(e, clip));
        }
        AnswerTokens.Batch batch = AnswerTokens.leftPadded(seqs, template.padId(), firstTokenWeight);
        if (!anyAudio) return batch;
        MelFeatureCache.Batch audio = features.batch(clips);
        return batch.withInput(batch.input().withAudio(audio.features(), features.melBins(), audio.frames(), audio.validFrames()));
    }
}
