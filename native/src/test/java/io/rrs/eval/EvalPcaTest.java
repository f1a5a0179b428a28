package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.Tensors;
import java.util.Random;
import org.bytedeco.pytorch.T_TensorTensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The Java PCA against libtorch's SVD of the centred data, for more points than features and for fewer. */
class EvalPcaTest {

    /** n points in d dims with per-axis scales spread out, rotated by a random orthogonal mixing. */
    private static float[] cloud(int n, int d, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * d];
        double[][] mix = new double[d][d];
        for (double[] row : mix) for (int j = 0; j < d; j++) row[j] = rnd.nextGaussian() / Math.sqrt(d);
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) z[j] = rnd.nextGaussian() * (5.0 / (1 + j)) + (j == 0 ? 3 : 0);
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += mix[j][k] * z[k];
                x[i * d + j] = (float) (s + 0.5 * j);
            }
        }
        return x;
    }

    private static void checkAgainstSvd(int n, int d, long seed) {
        float[] flat = cloud(n, d, seed);
        double[][] points = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) points[i][j] = flat[i * d + j];
        Pca pca = Pca.fit(points, 2);

        Tensor x = Tensors.floats(flat, n, d).to(ScalarType.Double);
        Tensor centred = x.sub(x.mean(new long[] {0}, true, new org.bytedeco.pytorch.ScalarTypeOptional()));
        T_TensorTensorTensor_T usv = torch.linalg_svd(centred, false, new org.bytedeco.pytorch.StringViewOptional());
        double[] s = doubles(usv.get1());
        double[] vh = doubles(usv.get2()); // [min(n,d), d]
        double total = 0;
        for (double v : s) total += v * v / (n - 1);
        assertEquals(total, pca.totalVariance(), 1e-9 * total, "total variance");
        for (int c = 0; c < 2; c++) {
            double expected = s[c] * s[c] / (n - 1);
            assertEquals(expected, pca.variances()[c], 1e-8 * expected, "variance of component " + c);
            double dot = 0;
            for (int j = 0; j < d; j++) dot += vh[c * d + j] * pca.components()[c][j];
            assertEquals(1.0, Math.abs(dot), 1e-8, "component " + c + " is the SVD's right singular vector (up to sign)");
        }
        assertTrue(pca.variances()[0] >= pca.variances()[1], "ordered by variance");
        double[] ratio = pca.explainedVarianceRatio();
        assertTrue(ratio[0] >= ratio[1] && ratio[0] + ratio[1] <= 1 + 1e-12 && ratio[1] > 0);
        double cross = 0, n0 = 0, n1 = 0;
        for (int j = 0; j < d; j++) {
            cross += pca.components()[0][j] * pca.components()[1][j];
            n0 += pca.components()[0][j] * pca.components()[0][j];
            n1 += pca.components()[1][j] * pca.components()[1][j];
        }
        assertEquals(0, cross, 1e-10, "orthogonal");
        assertEquals(1, n0, 1e-10);
        assertEquals(1, n1, 1e-10);
        // projections have the component variances and are uncorrelated
        double[][] xy = pca.project(points);
        double v0 = 0, c01 = 0;
        for (double[] p : xy) {
            v0 += p[0] * p[0] / (n - 1);
            c01 += p[0] * p[1] / (n - 1);
        }
        assertEquals(pca.variances()[0], v0, 1e-8 * v0);
        assertEquals(0, c01, 1e-8 * v0);
    }

    private static double[] doubles(Tensor t) {
        Tensor c = t.to(ScalarType.Double).contiguous(); // float64 throughout: a float32 copy is too coarse for 1e-9 checks
        double[] out = new double[(int) c.numel()];
        new org.bytedeco.javacpp.DoublePointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    @Test
    void matchesLibtorchSvdWithMorePointsThanFeatures() {
        checkAgainstSvd(80, 12, 1);
    }

    @Test
    void matchesLibtorchSvdWithMoreFeaturesThanPoints() {
        checkAgainstSvd(15, 64, 2);
    }

    @Test
    void refusesWhatCannotBeFitted() {
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(new double[][] {{1, 2}}, 1));
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(new double[][] {{1, 2}, {3, 4}}, 2));
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(new double[][] {{1, 2}, {3}}, 1));
    }
}
