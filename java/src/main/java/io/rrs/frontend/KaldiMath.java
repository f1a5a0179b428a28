package io.rrs.frontend;

/** Numerical helpers of the Kaldi fbank hot loop. */
final class KaldiMath {
    private static final double LN2 = Math.log(2);
    /**
     * log(v) = e ln 2 + log(c) + log1p((m - c) / c) with m in [1, 2) and c = 1 + i/256 the nearest
     * table point (i in [0, 256]; i = 256 is c = 2), so |r| = |m - c| / c <= 2^-9.
     */
    private static final int TABLE_BITS = 8;
    private static final int TABLE_SHIFT = 23 - TABLE_BITS;
    private static final double[] LOG_CENTER = new double[(1 << TABLE_BITS) + 1];
    /** 2^-23 / c: turns the integer mantissa offset m - c (in units of 2^-23) into r. */
    private static final double[] SCALED_INVERSE_CENTER = new double[(1 << TABLE_BITS) + 1];
    /** e ln 2 for every biased exponent: a table load instead of another int-to-double conversion. */
    private static final double[] EXPONENT_LOG = new double[256];

    static {
        for (int i = 0; i < LOG_CENTER.length; i++) {
            double c = 1.0 + (double) i / (1 << TABLE_BITS);
            LOG_CENTER[i] = Math.log(c);
            SCALED_INVERSE_CENTER[i] = 0x1p-23 / c;
        }
        LOG_CENTER[1 << TABLE_BITS] = LN2; // exactly, so that -ln 2 + ln 2 cancels to 0 just below v = 1
        for (int e = 0; e < EXPONENT_LOG.length; e++) EXPONENT_LOG[e] = (e - 127) * LN2;
    }

    private KaldiMath() {}

    /**
     * Natural log of a positive normal float (callers floor at float epsilon first), within 1 ulp of
     * {@code (float) Math.log(v)}. The mantissa is rounded to the nearest of 257 table points c
     * (the table holds 1/c, so no division), r = (m - c)/c has |r| <= 2^-9 and log1p(r) needs only
     * a degree-4 polynomial (truncation below 6e-15 absolute, in double; m - c is an exact integer
     * count of 2^-23). Near v = 1 the table term is exactly 0 (c = 1, or ln 2 - ln 2 just below 1),
     * so the result keeps its relative accuracy there. Measured 0.21 us per frame's 80 logs against
     * 0.33 for the previous atanh series with a division. Other inputs (infinity, NaN, zero,
     * subnormals) go to Math.log.
     */
    static float log(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (bits < 0x00800000 || bits >= 0x7f800000) return (float) Math.log(v);
        int mantissa = bits & 0x007fffff;
        int index = (mantissa + (1 << (TABLE_SHIFT - 1))) >>> TABLE_SHIFT;
        double r = (mantissa - (index << TABLE_SHIFT)) * SCALED_INVERSE_CENTER[index];
        double r2 = r * r;
        double log1p = r + r2 * (-1.0 / 2 + r * (1.0 / 3)) + (r2 * r2) * (-1.0 / 4);
        return (float) ((EXPONENT_LOG[bits >>> 23] + LOG_CENTER[index]) + log1p);
    }
}
