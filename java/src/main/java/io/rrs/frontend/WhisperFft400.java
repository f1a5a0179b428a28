package io.rrs.frontend;

/**
 * Power spectrum |X_k|^2, k = 0..200, of one real 400-sample frame: Whisper's FFT size, done with
 * hard-coded butterflies because it is most of the front-end's time. The real frame is read as
 * 200 complex points z[n] = x[2n] + i x[2n+1]; their DFT uses the Good-Thomas prime-factor split
 * 200 = 8 x 25 (8 and 25 coprime, so no twiddles between the two stages), the 25-point DFTs split
 * again as 5 x 5 with one twiddle pass; a final pass separates even and odd samples into the real
 * spectrum. That is three passes with about a third of the twiddle multiplies of a generic
 * mixed-radix FFT (JTransforms: radix 4, 2, 5, 5). Scratch buffers make an instance single-threaded.
 */
final class WhisperFft400 {
    static final int SIZE = 400;
    private static final int HALF = 200; // complex points
    private static final int N1 = 8;
    private static final int N2 = 25;
    private static final double C1 = Math.cos(2 * Math.PI / 5), C2 = Math.cos(4 * Math.PI / 5);
    private static final double S1 = Math.sin(2 * Math.PI / 5), S2 = Math.sin(4 * Math.PI / 5);
    private static final double SQRT_HALF = Math.sqrt(0.5);

    /** Good-Thomas input map: row n2, column n1 reads z[(25 n1 + 8 n2) mod 200]. */
    private final int[] inputIndex = new int[HALF];
    /** CRT output map: k = (25 k1 + 176 k2) mod 200, since 25^-1 = 1 (mod 8) and 8^-1 = 22 (mod 25). */
    private final int[] outputIndex = new int[HALF];
    private final double[] twiddle25Re = new double[25];
    private final double[] twiddle25Im = new double[25];
    private final double[] realPassCos = new double[HALF];
    private final double[] realPassSin = new double[HALF];
    private final double[] stageRe = new double[HALF]; // [k1][n2] after the 8-point DFTs
    private final double[] stageIm = new double[HALF];
    private final double[] innerRe = new double[25]; // [n_b][k_a] inside one 25-point DFT
    private final double[] innerIm = new double[25];
    private final double[] zRe = new double[HALF];
    private final double[] zIm = new double[HALF];

    WhisperFft400() {
        for (int n2 = 0; n2 < N2; n2++)
            for (int n1 = 0; n1 < N1; n1++) inputIndex[n2 * N1 + n1] = (N2 * n1 + N1 * n2) % HALF;
        for (int k1 = 0; k1 < N1; k1++)
            for (int k2 = 0; k2 < N2; k2++) outputIndex[k1 * N2 + k2] = (25 * k1 + 176 * k2) % HALF;
        for (int nb = 0; nb < 5; nb++)
            for (int ka = 0; ka < 5; ka++) {
                double angle = -2 * Math.PI * nb * ka / 25;
                twiddle25Re[nb * 5 + ka] = Math.cos(angle);
                twiddle25Im[nb * 5 + ka] = Math.sin(angle);
            }
        for (int k = 0; k < HALF; k++) {
            realPassCos[k] = Math.cos(2 * Math.PI * k / SIZE);
            realPassSin[k] = Math.sin(2 * Math.PI * k / SIZE);
        }
    }

    /** Writes |X_k|^2 of the 400 real samples in {@code frame} to {@code power[0..200]}. */
    void powerSpectrum(double[] frame, double[] power) {
        eightPointStage(frame);
        for (int k1 = 0; k1 < N1; k1++) twentyFivePoint(k1);
        realSpectrumPower(power);
    }

    private void eightPointStage(double[] frame) {
        for (int n2 = 0; n2 < N2; n2++) {
            int base = n2 * N1;
            // Even inputs (n1 = 0, 2, 4, 6) -> 4-point DFT E; odd (1, 3, 5, 7) -> O.
            int i0 = 2 * inputIndex[base], i1 = 2 * inputIndex[base + 1], i2 = 2 * inputIndex[base + 2], i3 = 2 * inputIndex[base + 3];
            int i4 = 2 * inputIndex[base + 4], i5 = 2 * inputIndex[base + 5], i6 = 2 * inputIndex[base + 6], i7 = 2 * inputIndex[base + 7];
            double s0r = frame[i0] + frame[i4], s0i = frame[i0 + 1] + frame[i4 + 1];
            double d0r = frame[i0] - frame[i4], d0i = frame[i0 + 1] - frame[i4 + 1];
            double s1r = frame[i2] + frame[i6], s1i = frame[i2 + 1] + frame[i6 + 1];
            double d1r = frame[i2] - frame[i6], d1i = frame[i2 + 1] - frame[i6 + 1];
            double e0r = s0r + s1r, e0i = s0i + s1i, e2r = s0r - s1r, e2i = s0i - s1i;
            double e1r = d0r + d1i, e1i = d0i - d1r, e3r = d0r - d1i, e3i = d0i + d1r; // d0 -/+ i d1
            double t0r = frame[i1] + frame[i5], t0i = frame[i1 + 1] + frame[i5 + 1];
            double u0r = frame[i1] - frame[i5], u0i = frame[i1 + 1] - frame[i5 + 1];
            double t1r = frame[i3] + frame[i7], t1i = frame[i3 + 1] + frame[i7 + 1];
            double u1r = frame[i3] - frame[i7], u1i = frame[i3 + 1] - frame[i7 + 1];
            double o0r = t0r + t1r, o0i = t0i + t1i, o2r = t0r - t1r, o2i = t0i - t1i;
            double o1r = u0r + u1i, o1i = u0i - u1r, o3r = u0r - u1i, o3i = u0i + u1r;
            // Twiddles W8^k: k=1 (1-i)/sqrt2, k=2 -i, k=3 (-1-i)/sqrt2.
            double w1r = (o1r + o1i) * SQRT_HALF, w1i = (o1i - o1r) * SQRT_HALF;
            double w2r = o2i, w2i = -o2r;
            double w3r = (o3i - o3r) * SQRT_HALF, w3i = -(o3r + o3i) * SQRT_HALF;
            stageRe[n2] = e0r + o0r;
            stageIm[n2] = e0i + o0i;
            stageRe[N2 + n2] = e1r + w1r;
            stageIm[N2 + n2] = e1i + w1i;
            stageRe[2 * N2 + n2] = e2r + w2r;
            stageIm[2 * N2 + n2] = e2i + w2i;
            stageRe[3 * N2 + n2] = e3r + w3r;
            stageIm[3 * N2 + n2] = e3i + w3i;
            stageRe[4 * N2 + n2] = e0r - o0r;
            stageIm[4 * N2 + n2] = e0i - o0i;
            stageRe[5 * N2 + n2] = e1r - w1r;
            stageIm[5 * N2 + n2] = e1i - w1i;
            stageRe[6 * N2 + n2] = e2r - w2r;
            stageIm[6 * N2 + n2] = e2i - w2i;
            stageRe[7 * N2 + n2] = e3r - w3r;
            stageIm[7 * N2 + n2] = e3i - w3i;
        }
    }

    /** 25-point DFT of stage row k1 as 5 x 5 (n = 5 n_a + n_b, k = k_a + 5 k_b) into z at the CRT positions. */
    private void twentyFivePoint(int k1) {
        int row = k1 * N2;
        for (int nb = 0; nb < 5; nb++) {
            int at = row + nb;
            int out = nb * 5;
            dft5(stageRe, stageIm, at, 5, innerRe, innerIm, out, 1);
            for (int ka = 1; ka < 5; ka++) { // twiddle W25^(n_b k_a)
                double re = innerRe[out + ka], im = innerIm[out + ka];
                double wr = twiddle25Re[out + ka], wi = twiddle25Im[out + ka];
                innerRe[out + ka] = re * wr - im * wi;
                innerIm[out + ka] = re * wi + im * wr;
            }
        }
        for (int ka = 0; ka < 5; ka++) {
            // Inputs innerRe[nb * 5 + ka], nb = 0..4 -> outputs k = ka + 5 kb, scattered by the CRT map.
            double x0r = innerRe[ka], x0i = innerIm[ka];
            double x1r = innerRe[5 + ka], x1i = innerIm[5 + ka];
            double x2r = innerRe[10 + ka], x2i = innerIm[10 + ka];
            double x3r = innerRe[15 + ka], x3i = innerIm[15 + ka];
            double x4r = innerRe[20 + ka], x4i = innerIm[20 + ka];
            double t1r = x1r + x4r, t1i = x1i + x4i, t2r = x2r + x3r, t2i = x2i + x3i;
            double t3r = x1r - x4r, t3i = x1i - x4i, t4r = x2r - x3r, t4i = x2i - x3i;
            double a1r = x0r + C1 * t1r + C2 * t2r, a1i = x0i + C1 * t1i + C2 * t2i;
            double a2r = x0r + C2 * t1r + C1 * t2r, a2i = x0i + C2 * t1i + C1 * t2i;
            double b1r = S1 * t3r + S2 * t4r, b1i = S1 * t3i + S2 * t4i;
            double b2r = S2 * t3r - S1 * t4r, b2i = S2 * t3i - S1 * t4i;
            int o = row + ka;
            store(outputIndex[o], x0r + t1r + t2r, x0i + t1i + t2i);
            store(outputIndex[o + 5], a1r + b1i, a1i - b1r); // X1 = a1 - i b1
            store(outputIndex[o + 10], a2r + b2i, a2i - b2r); // X2 = a2 - i b2
            store(outputIndex[o + 15], a2r - b2i, a2i + b2r); // X3 = a2 + i b2
            store(outputIndex[o + 20], a1r - b1i, a1i + b1r); // X4 = a1 + i b1
        }
    }

    private void store(int k, double re, double im) {
        zRe[k] = re;
        zIm[k] = im;
    }

    /** Forward 5-point DFT of in[at + j*stride], j = 0..4, into out[to + j*outStride]. */
    private static void dft5(double[] inRe, double[] inIm, int at, int stride, double[] outRe, double[] outIm, int to, int outStride) {
        double x0r = inRe[at], x0i = inIm[at];
        double x1r = inRe[at + stride], x1i = inIm[at + stride];
        double x2r = inRe[at + 2 * stride], x2i = inIm[at + 2 * stride];
        double x3r = inRe[at + 3 * stride], x3i = inIm[at + 3 * stride];
        double x4r = inRe[at + 4 * stride], x4i = inIm[at + 4 * stride];
        double t1r = x1r + x4r, t1i = x1i + x4i, t2r = x2r + x3r, t2i = x2i + x3i;
        double t3r = x1r - x4r, t3i = x1i - x4i, t4r = x2r - x3r, t4i = x2i - x3i;
        double a1r = x0r + C1 * t1r + C2 * t2r, a1i = x0i + C1 * t1i + C2 * t2i;
        double a2r = x0r + C2 * t1r + C1 * t2r, a2i = x0i + C2 * t1i + C1 * t2i;
        double b1r = S1 * t3r + S2 * t4r, b1i = S1 * t3i + S2 * t4i;
        double b2r = S2 * t3r - S1 * t4r, b2i = S2 * t3i - S1 * t4i;
        outRe[to] = x0r + t1r + t2r;
        outIm[to] = x0i + t1i + t2i;
        outRe[to + outStride] = a1r + b1i;
        outIm[to + outStride] = a1i - b1r;
        outRe[to + 2 * outStride] = a2r + b2i;
        outIm[to + 2 * outStride] = a2i - b2r;
        outRe[to + 3 * outStride] = a2r - b2i;
        outIm[to + 3 * outStride] = a2i + b2r;
        outRe[to + 4 * outStride] = a1r - b1i;
        outIm[to + 4 * outStride] = a1i + b1r;
    }

    /** Even/odd separation: X[k] = E[k] + e^{-2 pi i k/400} O[k], E/O from Z[k] and conj Z[200-k]. */
    private void realSpectrumPower(double[] power) {
        double re0 = zRe[0], im0 = zIm[0];
        power[0] = (re0 + im0) * (re0 + im0);
        power[HALF] = (re0 - im0) * (re0 - im0);
        // bins k and HALF - k share E and O: with P = e^{-2 pi i k / N} O, X[k] = E + P and
        // X[HALF - k] = conj(E - P), so one pass over k <= HALF/2 gives both (half the loads and arithmetic)
        for (int k = 1; k <= HALF / 2; k++) {
            double zr = zRe[k], zi = zIm[k];
            double cr = zRe[HALF - k], ci = -zIm[HALF - k];
            double er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
            double or = 0.5 * (zi - ci), oi = -0.5 * (zr - cr);
            double wr = realPassCos[k], wi = realPassSin[k];
            double pr = or * wr + oi * wi;
            double pi = oi * wr - or * wi;
            double sr = er + pr, si = ei + pi, dr = er - pr, di = ei - pi;
            power[k] = sr * sr + si * si;
            power[HALF - k] = dr * dr + di * di; // k = HALF/2: the same bin twice, equal up to rounding
        }
    }
}
