package io.rrs.kernels;

/**
 * Which features of delta the RRS targets keep: those with a positive contribution
 * {@code c_j = W_lm_head[t, j] * delta_j} (the paper's default), or the top m% of the c_j, which
 * keeps {@code round(m/100 * D)} features (at least one); equal contributions rank by lower index.
 */
public record FeatureMask(double topFraction) {
    public FeatureMask {
        if (!(topFraction == 0 || (topFraction > 0 && topFraction <= 1))) {
            throw new IllegalArgumentException("top fraction " + topFraction
                    + " must be in (0, 1] (or 0 for the positive-contribution mask); for 12.5% use topPercent(12.5)");
        }
    }

    public static FeatureMask positive() {
        return new FeatureMask(0);
    }

    public static FeatureMask topPercent(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("top-m% mask needs 0 < m <= 100, got " + percent);
        }
        return new FeatureMask(percent / 100.0);
    }

    public boolean isPositive() {
        return topFraction == 0;
    }

    /** The number of features the top-m% mask keeps at width {@code d}, as the kernels compute it. */
    public long keptFeatures(long d) {
        long k = (long) Math.floor(topFraction * d + 0.5);
        return Math.max(1, Math.min(d, k));
    }

    @Override
    public String toString() {
        return isPositive() ? "positive contributions" : "top " + (topFraction * 100) + "%";
    }
}
