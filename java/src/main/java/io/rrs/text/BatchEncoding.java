package io.rrs.text;

import java.util.List;

/**
 * Scope: a batch of tokenised prompts, left-padded to one length. Left padding puts every row's
 * last prompt token in the last column, which is where h(x) of DESIGN section 3 is read and where
 * generation continues. Row-major flat arrays are provided for building tensors.
 *
 * @param ids           [rows][length] token ids, pads first
 * @param attentionMask [rows][length] 0 on pads, 1 on tokens
 * @param padding       pads in front of each row (add it to a row's audioStart)
 * @param rows          the unpadded encodings, in order
 * @param padId         the id used for pads
 */
public record BatchEncoding(int[][] ids, int[][] attentionMask, int[] padding, List<ChatTemplate.Encoded> rows, int padId) {

    public BatchEncoding {
        if (ids.length != attentionMask.length || ids.length != padding.length || ids.length != rows.size()) {
            throw new IllegalArgumentException("batch arrays disagree on the row count");
        }
    }

    /** Left-pads the encodings with {@code padId}; fails on an empty batch. */
    public static BatchEncoding leftPadded(List<ChatTemplate.Encoded> rows, int padId) {
        if (rows.isEmpty()) throw new IllegalArgumentException("a batch needs at least one prompt");
        int length = 0;
        for (ChatTemplate.Encoded r : rows) length = Math.max(length, r.length());
        int[][] ids = new int[rows.size()][length];
        int[][] mask = new int[rows.size()][length];
        int[] padding = new int[rows.size()];
        for (int b = 0; b < rows.size(); b++) {
            int[] row = rows.get(b).ids();
            int pad = length - row.length;
            padding[b] = pad;
            java.util.Arrays.fill(ids[b], 0, pad, padId);
            System.arraycopy(row, 0, ids[b], pad, row.length);
            java.util.Arrays.fill(mask[b], pad, length, 1);
        }
        return new BatchEncoding(ids, mask, padding, List.copyOf(rows), padId);
    }

    /** Number of rows. */
    public int batchSize() {
        return ids.length;
    }

    /** Padded length of every row. */
    public int length() {
        return ids[0].length;
    }

    /**
     * Position ids as Hugging Face derives them under left padding: cumulative sum of the mask
     * minus one on tokens (0, 1, ...), and 1 on pads (never attended).
     */
    public int[][] positionIds() {
        int[][] pos = new int[ids.length][length()];
        for (int b = 0; b < ids.length; b++) {
            int p = 0;
            for (int t = 0; t < length(); t++) pos[b][t] = attentionMask[b][t] == 1 ? p++ : 1;
        }
        return pos;
    }

    /** Ids row-major, as longs (libtorch and ONNX Runtime take int64 token ids). */
    public long[] flatIds() {
        return flatten(ids);
    }

    /** Attention mask row-major, as longs. */
    public long[] flatAttentionMask() {
        return flatten(attentionMask);
    }

    private static long[] flatten(int[][] a) {
        int cols = a[0].length;
        long[] out = new long[a.length * cols];
        for (int b = 0; b < a.length; b++) for (int t = 0; t < cols; t++) out[b * cols + t] = a[b][t];
        return out;
    }
}
