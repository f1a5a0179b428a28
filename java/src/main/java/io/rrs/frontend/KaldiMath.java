package io.rrs.frontend;

/** Numerical helpers of the Kaldi fbank hot loop. */
final class KaldiMath {
    private static final double LN2 = Math.log(2);
    /** log(v) = e ln 2 + log(c_i) + log1p((m - c_i) / c_i), with m in [1, 2) and c_i = 1 + i/128. */
    private static final int TABLE_BITS = 7;
    private static final int TABLE_SHIFT = 23 - TABLE_BITS;
    private static final double[] LOG_CENTER = new double[1 << TABLE_BITS];
    private static final double[] INVERSE_CENTER = new double[1 << TABLE_BITS];
    /** e ln 2 for every biased exponent: a table load instead of an int-to-double conversion. */
    private static final double[] EXPONENT_LOG = new double[256];

    static {
        for (int i = 0; i < LOG_CENTER.length; i++) {
            double c = 1.0 + (double) i / LOG_CENTER.length;
            LOG_CENTER[i] = Math.log(c);
            INVERSE_CENTER[i] = 1.0 / c;
        }
        for (int e = 0; e < EXPONENT_LOG.length; e++) EXPONENT_LOG[e] = (e - 127) * LN2;
    }

    private KaldiMath() {}

    /**
     * Natural log of a positive normal float (callers floor at float epsilon first), within 1 ulp of
     * {@code (float) Math.log(v)}. The top 7 mantissa bits pick a table entry c (the table holds
     * 1/c, so no division), r = (m - c)/c lies in [0, 1/128) and log1p(r) needs only a degree-6
     * polynomial (truncation error below 3e-16, in double; m - c is exact). Measured 0.26 us per
     * frame's 80 logs against 0.33 for the previous atanh series with a division. Other inputs
     * (infinity, NaN, zero, subnormals) go to Math.log.
     */
    static float log(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (bits < 0x00800000 || bits >= 0x7f800000) return (float) Math.log(v);
        int index = (bits >>> TABLE_SHIFT) & ((1 << TABLE_BITS) - 1);
        // m - c from the mantissa's low bits, exactly, built as a double from bits (no conversions:
        // cvtss2sd / cvtsi2sd carry a false dependency that serialises the loop of logs)
        double offset = Double.longBitsToDouble(((long) (bits & ((1 << TABLE_SHIFT) - 1)) << 29) | 0x3ff0000000000000L) - 1.0;
        double r = offset * INVERSE_CENTER[index];
        // log1p(r) to r^6, evaluated in Estrin form (shorter dependency chain than Horner)
        double r2 = r * r;
        double log1p = r + r2 * (-1.0 / 2 + r * (1.0 / 3)) + (r2 * r2) * (-1.0 / 4 + r * (1.0 / 5) + r2 * (-1.0 / 6));
        return (float) (EXPONENT_LOG[bits >>> 23] + (LOG_CENTER[index] + log1p));
    }
}
