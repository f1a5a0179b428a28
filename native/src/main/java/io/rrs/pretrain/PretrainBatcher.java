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

    AnswerTokens.Batch batch(List<PretrainMix.Example> examples) {
        return batch(examples, false).tokens();
    }

    /** A batch's tokens and, when asked for and present, its spoken compliant rows for {@link SpokenWrittenMatch}. */
    record Prepared(AnswerTokens.Batch tokens, SpokenWrittenMatch.Rows match) {}

    Prepared batch(List<PretrainMix.Example> examples, boolean withMatch) {
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
        SpokenWrittenMatch.Rows match = null;
        if (withMatch) {
            int[] lengths = seqs.stream().mapToInt(q -> q.ids().length).toArray();
            int[] starts = seqs.stream().mapToInt(AnswerTokens.Sequence::answerStart).toArray();
            match = SpokenWrittenMatch.rows(examples, lengths, starts, java.util.Arrays.stream(lengths).max().orElseThrow(), template);
        }
        if (!anyAudio) return new Prepared(batch, match);
        MelFeatureCache.Batch audio = features.batch(clips);
        return new Prepared(batch.withInput(batch.input().withAudio(audio.features(), features.melBins(), audio.frames(), audio.validFrames())), match);
    }
}
