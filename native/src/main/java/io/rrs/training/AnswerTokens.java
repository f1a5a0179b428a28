package io.rrs.training;

import io.rrs.model.ModelInput;
import io.rrs.model.ModelOutput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.query.AudioBatch;
import io.rrs.query.EncodedQuery;
import io.rrs.query.QueryEncoder;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: supervised learning of answers, shared by {@code rrs pretrain} and {@code rrs sft train}: prompt ids
 * followed by the answer ids (closed with {@code <|im_end|>}, see {@code ChatTemplate.encodeAnswer}), left-padded
 * into one batch as inference pads ({@code <|endoftext|>}), with next-token targets and a weight of 1 exactly
 * where the next token is an answer token; the loss is the mean cross-entropy over those positions, so nothing
 * of the prompt is learned.
 */
public final class AnswerTokens {
    /** One example's token ids and where its answer starts. */
    public record Sequence(int[] ids, int answerStart) {
        public Sequence {
            if (answerStart < 1 || answerStart >= ids.length)
                throw new IllegalArgumentException("answer start " + answerStart + " outside 1.." + (ids.length - 1));
        }

        /** Prompt ids then answer ids. */
        public static Sequence of(int[] prompt, int[] answer) {
            int[] ids = Arrays.copyOf(prompt, prompt.length + answer.length);
            System.arraycopy(answer, 0, ids, prompt.length, answer.length);
            return new Sequence(ids, prompt.length);
        }
    }

    /** Model input (text only until audio is added), next-token targets [B, S] (int64), weights [B, S] (float, 1 at answer targets; the first may weigh more), their sum. */
    public record Batch(ModelInput input, Tensor targets, Tensor weights, double weightSum) {
        /** The same batch with another input (e.g. the audio features added). */
        public Batch withInput(ModelInput in) {
            return new Batch(in, targets, weights, weightSum);
        }

        /** The same batch with the audio of its rows ({@code rows.get(i)} is row i's prompt), padded as {@code padding} asks. */
        public Batch withAudioOf(List<EncodedQuery> rows, QueryEncoder encoder, QueryEncoder.AudioPadding padding) {
            AudioBatch audio = encoder.audioOf(rows, padding);
            return audio == null ? this : withInput(input.withAudio(audio));
        }
    }

    private AnswerTokens() {}

    /** Left-pads the sequences with {@code padId} into one batch. */
    public static Batch leftPadded(List<Sequence> seqs, int padId) {
        return leftPadded(seqs, padId, 1.0);
    }

    /**
     * As {@link #leftPadded(List, int)}, the first answer token weighted {@code firstTokenWeight} (the loss stays a
     * weighted mean: it divides by the sum of the weights). Why: the first answer token carries the decision (comply
     * or refuse, and how), while teacher forcing makes the rest follow from it; weighting it focuses training there.
     */
    public static Batch leftPadded(List<Sequence> seqs, int padId, double firstTokenWeight) {
        int b = seqs.size(), len = seqs.stream().mapToInt(s -> s.ids().length).max().orElseThrow(() -> new IllegalArgumentException("empty batch"));
        long[] ids = new long[b * len], mask = new long[b * len], targets = new long[b * len];
        float[] weights = new float[b * len];
        Arrays.fill(ids, padId);
        double weightSum = 0;
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
                float w = i == s.answerStart() - 1 ? (float) firstTokenWeight : 1f;
                weights[r * len + offset + i] = w;
                weightSum += w;
            }
        }
        ModelInput in = new ModelInput(Tensors.longs(ids, b, len), Tensors.longs(mask, b, len), null, null);
        return new Batch(in, Tensors.longs(targets, b, len), Tensors.floats(weights, b, len), weightSum);
    }

    /** Weighted mean cross-entropy over the answer tokens of the batch (prompt and padding weigh 0); autograd on. */
    public static Tensor loss(Qwen2AudioModel model, Batch batch) {
        return loss(model.forward(batch.input()), batch);
    }

    /** The same loss from a forward pass already made (a caller that also reads the hidden states). */
    public static Tensor loss(ModelOutput out, Batch batch) {
        Tensor logProbs = torch.log_softmax(out.logits(), 2);
        Tensor picked = logProbs.gather(2, Tensors.onDeviceOf(batch.targets(), logProbs).unsqueeze(2), false).squeeze(2);
        return picked.mul(Tensors.onDeviceOf(batch.weights(), logProbs)).sum().div(Tensors.scalar(batch.weightSum())).neg();
    }
}
