package io.rrs.training.dist;

/**
 * Scope: how a global micro-batch splits over the ranks: rank r trains on rows {@code [from + r*s, from + (r+1)*s)}
 * with {@code s = size / worldSize}. Why equal shares only: the loss is a mean over rows, so the mean of equal
 * shares' gradients is exactly the global batch's gradient; unequal shares would need weights per rank.
 */
public final class DataParallelBatches {
    private DataParallelBatches() {}

    /** Fails, naming the fix, unless every micro-batch (the last, shorter one included) splits into equal non-empty shares. */
    public static void check(int rows, int batchSize, int worldSize) {
        if (worldSize == 1) return;
        if (batchSize % worldSize != 0)
            throw new IllegalArgumentException("--batch-size " + batchSize + " is not divisible by --world-size " + worldSize
                    + ": every rank needs an equal share of each micro-batch; use a multiple of " + worldSize);
        int last = rows % batchSize;
        if (last % worldSize != 0)
            throw new IllegalArgumentException("the run's " + rows + " queries leave a last micro-batch of " + last + " rows, not divisible by --world-size "
                    + worldSize + "; pick a --batch-size whose remainder on " + rows + " is a multiple of " + worldSize + " (or prepare with another --limit)");
    }
}
