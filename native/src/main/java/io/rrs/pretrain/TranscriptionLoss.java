package io.rrs.pretrain;

import io.rrs.query.AudioPositions;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: the loss of {@link PretrainTask#AUDIO_TRANSCRIBE}: CTC (libtorch's {@code ctc_loss}) between the audio tower's
 * projected frames and the question's tokens. Each frame is scored against the text embedding, logits = frame . E^T,
 * with {@code <|endoftext|>} as the blank, so no weight is added to the model and the frames of a spoken word are pulled
 * towards the embedding the decoder reads for it. E is detached: the written side stays as it is. Mean over the batch
 * of each clip's loss divided by its token count; a clip too short for its tokens counts 0 ({@code zero_infinity}).
 */
final class TranscriptionLoss {
    /** libtorch's {@code at::Reduction::Mean}. */
    private static final long MEAN = 1;

    private TranscriptionLoss() {}

    /** Every clip's projected frames scored against the (detached) text embedding, log-softmax over the vocabulary: [sum of pooled lengths, V]. */
    private static Tensor frameLogProbs(Qwen2AudioModel model, Tensor features, long[] validFrames) {
        return wordPieceLogProbs(model, model.encodeAudio(features, validFrames)); // [sum of pooled lengths, hidden], clips in order
    }

    private static Tensor wordPieceLogProbs(Qwen2AudioModel model, Tensor frames) {
        // a loaded bf16 folder may keep the table in bf16; the frames are float32
        Tensor embedding = model.weights().get(Qwen2AudioLayout.TEXT + "embed_tokens.weight").detach().to(frames.scalar_type());
        return torch.log_softmax(frames.matmul(embedding.t()), 1);
    }

    /**
     * Greedy CTC decoding of each clip against the text embedding ({@link #greedy(Tensor, long[], long)}): what the tower
     * transcribes in word pieces, for measuring how well it hears ({@link TranscriptionError}).
     */
    static List<int[]> greedy(Qwen2AudioModel model, Tensor features, long[] validFrames, long blank) {
        return greedy(frameLogProbs(model, features, validFrames), pooledLengths(validFrames), blank);
    }

    /**
     * Greedy CTC decoding of {@code scores} [sum of lengths, V] (logits or log-probabilities; clips in order, clip b
     * {@code lengths[b]} rows): each row's best id, repeats merged, {@code blank} dropped (so a blank between two equal
     * ids keeps both).
     */
    static List<int[]> greedy(Tensor scores, long[] lengths, long blank) {
        long[] best = Tensors.toLongs(scores.argmax(new org.bytedeco.pytorch.LongOptional(1), false));
        List<int[]> out = new java.util.ArrayList<>();
        int offset = 0;
        for (long length : lengths) {
            int[] ids = new int[(int) length];
            int n = 0;
            long previous = -1;
            for (int t = 0; t < length; t++) {
                long id = best[offset + t];
                if (id != previous && id != blank) ids[n++] = (int) id;
                previous = id;
            }
            out.add(java.util.Arrays.copyOf(ids, n));
            offset += (int) length;
        }
        return out;
    }

    /**
     * @param features log-mel [B, mel, frames]
     * @param validFrames each clip's valid frames
     * @param targets each clip's token ids (non-empty)
     */
    static Tensor loss(Qwen2AudioModel model, Tensor features, long[] validFrames, List<int[]> targets, long blank) {
        return ctc(frameLogProbs(model, features, validFrames), pooledLengths(validFrames), targets, blank);
    }

    /**
     * The word-piece CTC (when {@code wordPieces}) plus {@code spellingWeight} x the characters' CTC ({@link Spelling})
     * on the same frames, the tower run once; {@code texts} are the clips' transcripts. Without the word pieces the
     * 30k-row scoring, ~90 % of a step's time on a CPU, is skipped.
     */
    static Tensor lossWithSpelling(Qwen2AudioModel model, Map<String, Tensor> parameters, Tensor features, long[] validFrames, List<int[]> targets,
                                   long blank, List<String> texts, boolean wordPieces, double spellingWeight) {
        Tensor frames = model.encodeAudio(features, validFrames);
        long[] lengths = pooledLengths(validFrames);
        Tensor words = wordPieces ? ctc(wordPieceLogProbs(model, frames), lengths, targets, blank) : null;
        Tensor spelled = Spelling.loss(parameters, frames, lengths, texts).mul(Tensors.scalar(spellingWeight));
        return words == null ? spelled : words.add(spelled);
    }

    /** Each clip's frame count after the tower (its pooled length). */
    static long[] pooledLengths(long[] validFrames) {
        long[] lengths = new long[validFrames.length];
        for (int b = 0; b < lengths.length; b++) lengths[b] = AudioPositions.pooled(validFrames[b]);
        return lengths;
    }

    /**
     * CTC of per-frame log-probabilities [sum of lengths, V] (clips in order, clip b {@code lengths[b]} frames) against
     * each clip's non-empty target; mean over clips of loss / target length, an impossible alignment counting 0.
     */
    static Tensor ctc(Tensor logProbs, long[] lengths, List<int[]> targets, long blank) {
        int batch = targets.size();
        long longest = 0;
        for (long l : lengths) longest = Math.max(longest, l);
        // [T, B, V] as ctc_loss wants it: row (t, b) is clip b's frame t (its last frame past its end, masked by its length)
        long[] rows = new long[(int) (longest * batch)];
        long offset = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < longest; t++) rows[(int) (t * batch + b)] = offset + Math.min(t, lengths[b] - 1);
            offset += lengths[b];
        }
        Tensor grid = logProbs.index_select(0, Tensors.longs(rows, rows.length)).view(longest, batch, logProbs.size(1));
        int total = 0;
        for (int[] t : targets) {
            if (t.length == 0) throw new IllegalArgumentException("a transcription target is empty");
            total += t.length;
        }
        long[] flat = new long[total], targetLengths = new long[batch];
        int k = 0;
        for (int b = 0; b < batch; b++) {
            for (int id : targets.get(b)) flat[k++] = id;
            targetLengths[b] = targets.get(b).length;
        }
        return torch.ctc_loss(grid, Tensors.longs(flat, total), lengths, targetLengths, blank, MEAN, true);
    }
}
