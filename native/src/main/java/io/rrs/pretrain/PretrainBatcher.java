package io.rrs.pretrain;

import io.rrs.model.ModelInput;
import io.rrs.model.Tensors;
import io.rrs.text.ChatTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: examples -> one left-padded batch of prompt + answer tokens, with the next-token targets and a
 * weight of 1 exactly where the target is an answer token (its {@code <|im_end|>} included), so the loss
 * covers the answer and nothing of the prompt. Left padding as in inference ({@code <|endoftext|>}).
 */
final class PretrainBatcher {
    /** One example's token ids and where its answer starts. */
    record Sequence(int[] ids, int answerStart) {
        Sequence {
            if (answerStart < 1 || answerStart >= ids.length)
                throw new IllegalArgumentException("answer start " + answerStart + " outside 1.." + (ids.length - 1));
        }
    }

    /** Model input, next-token targets [B, S] (int64), weights [B, S] (float, 1 at answer targets), answer token count. */
    record Batch(ModelInput input, Tensor targets, Tensor weights, long answerTokens) {}

    private final ChatTemplate template;
    private final MelFeatureCache features;

    PretrainBatcher(ChatTemplate template, MelFeatureCache features) {
        this.template = template;
        this.features = features;
    }

    /** The tokens of one example given its clip (null without audio). */
    Sequence sequence(PretrainMix.Example e, MelFeatureCache.Clip clip) {
        int positions = clip == null ? 0 : ChatTemplate.audioPositions(clip.validFrames());
        int[] prompt = template.encode(e.task().prompt(positions, e.question(), e.instruction())).ids();
        int[] answer = template.encodeAnswer(e.task().answer(e.question()));
        int[] ids = Arrays.copyOf(prompt, prompt.length + answer.length);
        System.arraycopy(answer, 0, ids, prompt.length, answer.length);
        return new Sequence(ids, prompt.length);
    }

    Batch batch(List<PretrainMix.Example> examples) {
        List<MelFeatureCache.Clip> clips = new ArrayList<>();
        List<Sequence> seqs = new ArrayList<>();
        boolean anyAudio = false;
        for (PretrainMix.Example e : examples) {
            MelFeatureCache.Clip clip = e.task().hasAudio() ? features.clip(e.utteranceId(), e.wav()) : null;
            anyAudio |= clip != null;
            clips.add(clip);
            seqs.add(sequence(e, clip));
        }
        int b = seqs.size(), len = seqs.stream().mapToInt(s -> s.ids().length).max().orElseThrow();
        long[] ids = new long[b * len], mask = new long[b * len], targets = new long[b * len];
        float[] weights = new float[b * len];
        Arrays.fill(ids, template.padId());
        long answerTokens = 0;
        for (int r = 0; r < b; r++) {
            Sequence s = seqs.get(r);
            int offset = len - s.ids().length; // left padding
            for (int i = 0; i < s.ids().length; i++) {
                ids[r * len + offset + i] = s.ids()[i];
                mask[r * len + offset + i] = 1;
            }
            // position p predicts token p + 1: weight the positions whose next token belongs to the answer
            for (int i = s.answerStart() - 1; i < s.ids().length - 1; i++) {
                targets[r * len + offset + i] = s.ids()[i + 1];
                weights[r * len + offset + i] = 1f;
                answerTokens++;
            }
        }
        ModelInput in = new ModelInput(Tensors.longs(ids, b, len), Tensors.longs(mask, b, len), null, null);
        if (anyAudio) {
            MelFeatureCache.Batch audio = features.batch(clips);
            in = in.withAudio(audio.features(), features.melBins(), audio.frames(), audio.validFrames());
        }
        return new Batch(in, Tensors.longs(targets, b, len), Tensors.floats(weights, b, len), answerTokens);
    }
}
