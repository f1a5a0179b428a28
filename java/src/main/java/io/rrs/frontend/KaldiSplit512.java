package io.rrs.frontend;

/**
 * The real-input split of {@link KaldiRealFft} for n = 512 (bins 1..128 and their mirrors
 * 256-k), with the arithmetic of the generic split but vectorised: the mirrored operands are
 * copied into reversed order first, and everything lives in one array at constant offsets, in
 * small separate loops. C2 (JDK 17) vectorises a loop only when it can prove all same-typed
 * accesses equally aligned (one array, constant offsets) and the body is small; the scalar split
 * was about a third of the FFT's time.
 */
final class KaldiSplit512 {
    private static final int HALF = 256;
    private static final int PAIRS = 128; // k = 1..128, stored at index k - 1
    // regions of the work array, PAIRS values each
    private static final int RE = 0, IM = PAIRS, MIRROR_RE = 2 * PAIRS, MIRROR_IM = 3 * PAIRS, COS = 4 * PAIRS, SIN = 5 * PAIRS;
    private static final int SIZE = 6 * PAIRS;
    private final double[] work = new double[SIZE];

    KaldiSplit512(double[] splitCos, double[] splitSin) {
        System.arraycopy(splitCos, 1, work, COS, PAIRS);
        System.arraycopy(splitSin, 1, work, SIN, PAIRS);
    }

    /** power[k] = |X[k]|^2 and power[256 - k] = |X[256 - k]|^2 for k = 1..128 from the half-length transform (re, im). */
    void split(double[] re, double[] im, float[] power) {
        final double[] w = work;
        System.arraycopy(re, 1, w, RE, PAIRS);
        System.arraycopy(im, 1, w, IM, PAIRS);
        for (int i = 0; i < PAIRS; i++) { // mirrored operands, reversed: index i holds bin 256 - (i + 1)
            w[MIRROR_RE + i] = re[HALF - 1 - i];
            w[MIRROR_IM + i] = im[HALF - 1 - i];
        }
        // even and odd parts E = (er, ei), O = (or, oi), in place of (re, im, mirror re, mirror im)
        for (int i = 0; i < PAIRS; i++) {
            double r = w[RE + i], j = w[IM + i], mr = w[MIRROR_RE + i], mj = w[MIRROR_IM + i];
            w[RE + i] = 0.5 * (r + mr);
            w[IM + i] = 0.5 * (j - mj);
            w[MIRROR_RE + i] = 0.5 * (j + mj);
            w[MIRROR_IM + i] = -0.5 * (r - mr);
        }
        // P = W^k O in place of O
        for (int i = 0; i < PAIRS; i++) {
            double or = w[MIRROR_RE + i], oi = w[MIRROR_IM + i], wr = w[COS + i], wi = w[SIN + i];
            w[MIRROR_RE + i] = wr * or - wi * oi;
            w[MIRROR_IM + i] = wr * oi + wi * or;
        }
        // |E + P|^2 in place of E's real part, |E - P|^2 in place of its imaginary part
        for (int i = 0; i < PAIRS; i++) {
            double er = w[RE + i], ei = w[IM + i], pr = w[MIRROR_RE + i], pi = w[MIRROR_IM + i];
            double sr = er + pr, si = ei + pi, dr = er - pr, di = ei - pi;
            w[RE + i] = sr * sr + si * si;
            w[IM + i] = dr * dr + di * di;
        }
        // k then 256 - k, as the generic split writes them (at k = 128 the second write wins)
        for (int i = 0; i < PAIRS; i++) {
            power[i + 1] = (float) w[RE + i];
            power[HALF - 1 - i] = (float) w[IM + i];
        }
    }
}
