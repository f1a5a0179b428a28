package io.rrs.eval;

import java.util.Random;

/**
 * Scope: the leading principal components of a point cloud, in float64 Java: centre, then block
 * (subspace) power iteration on the covariance without forming it ({@code X^T (X V)} costs
 * O(n d) per step, so d = 3584 hidden features are fine), then a Rayleigh-Ritz step that orders
 * the components by explained variance. Signs are fixed so each component's largest-magnitude
 * coordinate is positive (deterministic plots).
 *
 * @param mean       [d] the centre
 * @param components [k][d] orthonormal directions, by decreasing variance
 * @param variances  [k] variance along each component (divisor n - 1)
 * @param totalVariance the trace of the covariance (for explained-variance ratios)
 */
public record Pca(double[] mean, double[][] components, double[] variances, double totalVariance) {
    private static final int MAX_ITERATIONS = 5000;
    private static final double TOLERANCE = 1e-12;

    /** Fits {@code k} components to {@code points} [n][d] (n >= 2, k <= min(n - 1, d)). */
    public static Pca fit(double[][] points, int k) {
        int n = points.length;
        if (n < 2) throw new IllegalArgumentException("PCA needs at least 2 points, got " + n);
        int d = points[0].length;
        if (k < 1 || k > Math.min(n - 1, d)) throw new IllegalArgumentException("cannot fit " + k + " components to " + n + " points of " + d + " features");
        double[] mean = new double[d];
        for (double[] p : points) {
            if (p.length != d) throw new IllegalArgumentException("points of " + d + " and " + p.length + " features; all must have the same width");
            for (int j = 0; j < d; j++) mean[j] += p[j] / n;
        }
        double[][] x = new double[n][d];
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) {
                x[i][j] = points[i][j] - mean[j];
                total += x[i][j] * x[i][j];
            }
        total /= n - 1;
        double[][] v = new double[k][d];
        Random rnd = new Random(1); // fixed start: the same data gives the same components
        for (double[] row : v) for (int j = 0; j < d; j++) row[j] = rnd.nextGaussian();
        orthonormalise(v);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[][] w = covarianceTimes(x, v);
            orthonormalise(w);
            double change = 0;
            for (int c = 0; c < k; c++) change = Math.max(change, 1 - Math.abs(dot(w[c], v[c])));
            v = w;
            if (change < TOLERANCE) break;
        }
        // Rayleigh-Ritz: the exact eigenvectors of the covariance restricted to span(v), by Jacobi on k x k
        double[][] cv = covarianceTimes(x, v);
        double[][] small = new double[k][k];
        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) small[a][b] = dot(v[a], cv[b]);
        double[][] rot = jacobiEigenvectors(small);
        double[][] comps = new double[k][d];
        double[] vars = new double[k];
        for (int c = 0; c < k; c++) {
            for (int a = 0; a < k; a++) for (int j = 0; j < d; j++) comps[c][j] += rot[a][c] * v[a][j];
            vars[c] = small[c][c];
        }
        // order by variance, largest first, and fix signs
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) order[c] = c;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(vars[b], vars[a]));
        double[][] sorted = new double[k][];
        double[] sortedVars = new double[k];
        for (int c = 0; c < k; c++) {
            sorted[c] = comps[order[c]];
            sortedVars[c] = Math.max(0, vars[order[c]]);
            int arg = 0;
            for (int j = 1; j < d; j++) if (Math.abs(sorted[c][j]) > Math.abs(sorted[c][arg])) arg = j;
            if (sorted[c][arg] < 0) for (int j = 0; j < d; j++) sorted[c][j] = -sorted[c][j];
        }
        return new Pca(mean, sorted, sortedVars, total);
    }

    /** Coordinates of {@code points} [n][d] on the components: [n][k]. */
    public double[][] project(double[][] points) {
        double[][] out = new double[points.length][components.length];
        for (int i = 0; i < points.length; i++) {
            if (points[i].length != mean.length) throw new IllegalArgumentException("point " + i + " has " + points[i].length + " features, the PCA " + mean.length);
            for (int c = 0; c < components.length; c++) {
                double s = 0;
                for (int j = 0; j < mean.length; j++) s += (points[i][j] - mean[j]) * components[c][j];
                out[i][c] = s;
            }
        }
        return out;
    }

    /** Share of the total variance each component explains. */
    public double[] explainedVarianceRatio() {
        double[] r = new double[variances.length];
        for (int c = 0; c < r.length; c++) r[c] = totalVariance > 0 ? variances[c] / totalVariance : 0;
        return r;
    }

    /** C v for each row of v, C = X^T X / (n - 1), without forming C. */
    private static double[][] covarianceTimes(double[][] x, double[][] v) {
        int n = x.length, d = x[0].length, k = v.length;
        double[][] out = new double[k][d];
        for (int i = 0; i < n; i++) {
            double[] xi = x[i];
            for (int c = 0; c < k; c++) {
                double s = dot(xi, v[c]) / (n - 1);
                double[] o = out[c];
                for (int j = 0; j < d; j++) o[j] += s * xi[j];
            }
        }
        return out;
    }

    /** Modified Gram-Schmidt on the rows; a vanishing row (rank-deficient data) is replaced by a fresh direction. */
    private static void orthonormalise(double[][] rows) {
        Random rnd = new Random(2);
        for (int c = 0; c < rows.length; c++) {
            for (int attempt = 0; ; attempt++) {
                for (int a = 0; a < c; a++) {
                    double p = dot(rows[c], rows[a]);
                    for (int j = 0; j < rows[c].length; j++) rows[c][j] -= p * rows[a][j];
                }
                double norm = Math.sqrt(dot(rows[c], rows[c]));
                if (norm > 1e-300 || attempt > 3) {
                    for (int j = 0; j < rows[c].length; j++) rows[c][j] /= norm > 0 ? norm : 1;
                    break;
                }
                for (int j = 0; j < rows[c].length; j++) rows[c][j] = rnd.nextGaussian();
            }
        }
    }

    /** Eigenvectors (columns) of a small symmetric matrix by cyclic Jacobi; {@code a} becomes diagonal (the eigenvalues). */
    private static double[][] jacobiEigenvectors(double[][] a) {
        int k = a.length;
        double[][] v = new double[k][k];
        for (int i = 0; i < k; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < k; p++) for (int q = p + 1; q < k; q++) off += a[p][q] * a[p][q];
            if (off < 1e-30) break;
            for (int p = 0; p < k; p++)
                for (int q = p + 1; q < k; q++) {
                    if (a[p][q] == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
                    for (int r = 0; r < k; r++) { // A <- A J
                        double arp = a[r][p], arq = a[r][q];
                        a[r][p] = cs * arp - sn * arq;
                        a[r][q] = sn * arp + cs * arq;
                    }
                    for (int r = 0; r < k; r++) { // A <- J^T A
                        double apr = a[p][r], aqr = a[q][r];
                        a[p][r] = cs * apr - sn * aqr;
                        a[q][r] = sn * apr + cs * aqr;
                    }
                    for (int r = 0; r < k; r++) { // V <- V J
                        double vrp = v[r][p], vrq = v[r][q];
                        v[r][p] = cs * vrp - sn * vrq;
                        v[r][q] = sn * vrp + cs * vrq;
                    }
                }
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }
}
