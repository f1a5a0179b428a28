package io.rrs.model;

import io.rrs.query.AudioBatch;
import io.rrs.query.EncodedBatch;
import io.rrs.text.BatchEncoding;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One batch for the model: token ids [B, S] (int64), attention mask [B, S] (1 = token, 0 =
 * padding; left padding expected for generation), and optionally log-mel features
 * [B, n_mels, T] with each sample's number of valid frames (0 = this sample has no audio).
 * The ids must hold exactly one {@code <|AUDIO|>} token per pooled audio frame of the sample.
 */
public record ModelInput(Tensor inputIds, Tensor attentionMask, Tensor audioFeatures, long[] audioFrames) {
    public ModelInput {
        if (inputIds == null || attentionMask == null) throw new IllegalArgumentException("input ids and attention mask are required");
        if (inputIds.dim() != 2) throw new IllegalArgumentException("input ids must be [batch, seq], got " + Arrays.toString(Tensors.shape(inputIds)));
        if (!Arrays.equals(Tensors.shape(inputIds), Tensors.shape(attentionMask)))
            throw new IllegalArgumentException("attention mask " + Arrays.toString(Tensors.shape(attentionMask))
                    + " must have the shape of the input ids " + Arrays.toString(Tensors.shape(inputIds)));
        if (inputIds.scalar_type().intern() != ScalarType.Long) inputIds = inputIds.to(ScalarType.Long);
        if (attentionMask.scalar_type().intern() != ScalarType.Long) attentionMask = attentionMask.to(ScalarType.Long);
        if ((audioFeatures == null) != (audioFrames == null))
            throw new IllegalArgumentException("audio features and their valid frame counts come together");
        if (audioFeatures != null) {
            if (audioFeatures.dim() != 3 || audioFeatures.size(0) != inputIds.size(0))
                throw new IllegalArgumentException("audio features must be [batch=" + inputIds.size(0) + ", n_mels, frames], got "
                        + Arrays.toString(Tensors.shape(audioFeatures)));
            if (audioFrames.length != inputIds.size(0))
                throw new IllegalArgumentException(audioFrames.length + " valid frame counts for a batch of " + inputIds.size(0));
            for (int b = 0; b < audioFrames.length; b++)
                if (audioFrames[b] < 0 || audioFrames[b] > audioFeatures.size(2))
                    throw new IllegalArgumentException("sample " + b + ": " + audioFrames[b] + " valid frames, outside 0.." + audioFeatures.size(2));
            if (audioFeatures.scalar_type().intern() != ScalarType.Float) audioFeatures = audioFeatures.to(ScalarType.Float);
        }
    }

    /** The tensors of a batch from the query encoder. */
    public static ModelInput of(EncodedBatch batch) {
        BatchEncoding text = batch.text();
        ModelInput in = new ModelInput(Tensors.longs(text.flatIds(), text.batchSize(), text.length()),
                Tensors.longs(text.flatAttentionMask(), text.batchSize(), text.length()), null, null);
        return batch.hasAudio() ? in.withAudio(batch.audio()) : in;
    }

    /** Text only, from Java arrays (rows of equal length). */
    public static ModelInput of(long[][] ids, long[][] mask) {
        return new ModelInput(Tensors.longs(flatten(ids), ids.length, ids[0].length), Tensors.longs(flatten(mask), mask.length, mask[0].length), null, null);
    }

    /** Left-pads token sequences with {@code padId} to a common length; mask marks the real tokens. */
    public static ModelInput leftPadded(List<long[]> sequences, long padId) {
        int len = sequences.stream().mapToInt(s -> s.length).max().orElseThrow(() -> new IllegalArgumentException("empty batch"));
        long[][] ids = new long[sequences.size()][len], mask = new long[sequences.size()][len];
        for (int b = 0; b < sequences.size(); b++) {
            long[] s = sequences.get(b);
            Arrays.fill(ids[b], padId);
            System.arraycopy(s, 0, ids[b], len - s.length, s.length);
            Arrays.fill(mask[b], len - s.length, len, 1);
        }
        return of(ids, mask);
    }

    /** The same tokens with audio features [B, n_mels, T] (C order) and valid frame counts. */
    public ModelInput withAudio(float[] features, long melBins, long frames, long[] validFrames) {
        return new ModelInput(inputIds, attentionMask, Tensors.floats(features, inputIds.size(0), melBins, frames), validFrames.clone());
    }

    /** The same tokens with a batch of clips from the query encoder. */
    public ModelInput withAudio(AudioBatch audio) {
        return withAudio(audio.features(), audio.melBins(), audio.frames(), audio.validFrames());
    }

    public ModelInput withAudio(Tensor features, long[] validFrames) {
        return new ModelInput(inputIds, attentionMask, features, validFrames.clone());
    }

    public boolean hasAudio() {
        return audioFeatures != null;
    }

    public long batchSize() {
        return inputIds.size(0);
    }

    public long length() {
        return inputIds.size(1);
    }

    private static long[] flatten(long[][] rows) {
        int cols = rows[0].length;
        long[] out = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) throw new IllegalArgumentException("rows of " + cols + " and " + rows[i].length + " tokens; pad them first");
            System.arraycopy(rows[i], 0, out, i * cols, cols);
        }
        return out;
    }
}
