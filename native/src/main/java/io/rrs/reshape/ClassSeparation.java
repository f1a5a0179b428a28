package io.rrs.reshape;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Scope: how far apart the frozen model holds harmful and benign queries at the last prompt token, measured
 * by {@code rrs reshape prepare} before any training. Why it matters: RRS moves harmful representations by
 * {@code +delta_m} and benign ones by {@code -delta_m}; when the model does not tell the classes apart the two
 * targets ask the same representation to move both ways, they cancel, and training cannot lower the loss
 * (docs/reshape.md, "On the demo model"). Measured on the prepared rows:
 * <ul>
 *   <li>{@code meanDistance}: |mean(harmful) - mean(benign)|;</li>
 *   <li>{@code spread}: root mean squared distance of a row from its class mean (both classes pooled);</li>
 *   <li>{@code separated}: balanced accuracy of the simplest linear rule, the midpoint between the class means
 *       along their difference (0.5: indistinguishable, 1: every row on its class's side).</li>
 * </ul>
 * Rows are {@code [n][hidden]}; arithmetic in double.
 */
public record ClassSeparation(double meanDistance, double spread, double separated, int harmfulRows, int benignRows) {
    /** Below this balanced accuracy prepare warns that RRS has little to reshape. */
    public static final double WARN_BELOW = 0.75;

    public ClassSeparation {
        if (harmfulRows < 1 || benignRows < 1) throw new IllegalArgumentException("class separation needs rows of both classes");
    }

    public static ClassSeparation of(float[][] harmful, float[][] benign) {
        if (harmful.length == 0 || benign.length == 0) throw new IllegalArgumentException("class separation needs rows of both classes");
        int d = harmful[0].length;
        double[] mh = mean(harmful, d), mb = mean(benign, d);
        double[] diff = new double[d], mid = new double[d];
        double dist2 = 0;
        for (int j = 0; j < d; j++) {
            diff[j] = mh[j] - mb[j];
            mid[j] = (mh[j] + mb[j]) / 2;
            dist2 += diff[j] * diff[j];
        }
        double squares = squaredDistances(harmful, mh) + squaredDistances(benign, mb);
        double spread = Math.sqrt(squares / (harmful.length + benign.length));
        double harmfulRight = share(harmful, diff, mid, true), benignRight = share(benign, diff, mid, false);
        return new ClassSeparation(Math.sqrt(dist2), spread, (harmfulRight + benignRight) / 2, harmful.length, benign.length);
    }

    /** True when RRS is unlikely to move this model (see {@link #WARN_BELOW}). */
    public boolean weak() {
        return separated < WARN_BELOW;
    }

    public void writeTo(ObjectNode o) {
        o.put("mean_distance", meanDistance).put("spread", spread).put("separated", separated).put("harmful_rows", harmfulRows)
                .put("benign_rows", benignRows).put("rule", "midpoint of the class means along their difference (balanced accuracy)");
    }

    /** As {@link #writeTo} wrote it (statistics.json's {@code class_separation}). */
    public static ClassSeparation fromJson(com.fasterxml.jackson.databind.JsonNode o) {
        if (!o.isObject()) throw new IllegalArgumentException("no class_separation in the prepared statistics; prepare the run again");
        return new ClassSeparation(o.path("mean_distance").asDouble(), o.path("spread").asDouble(), o.path("separated").asDouble(),
                o.path("harmful_rows").asInt(), o.path("benign_rows").asInt());
    }

    /** One line for the console. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "harmful vs benign at the last prompt token: %.1f %% separated along the class-mean difference "
                + "(means %.3f apart, within-class spread %.3f)", 100 * separated, meanDistance, spread);
    }

    private static double[] mean(float[][] rows, int d) {
        double[] m = new double[d];
        for (float[] r : rows) {
            if (r.length != d) throw new IllegalArgumentException("rows of different widths: " + r.length + " and " + d);
            for (int j = 0; j < d; j++) m[j] += r[j];
        }
        for (int j = 0; j < d; j++) m[j] /= rows.length;
        return m;
    }

    private static double squaredDistances(float[][] rows, double[] mean) {
        double s = 0;
        for (float[] r : rows)
            for (int j = 0; j < mean.length; j++) s += (r[j] - mean[j]) * (r[j] - mean[j]);
        return s;
    }

    private static double share(float[][] rows, double[] diff, double[] mid, boolean positiveSide) {
        int right = 0;
        for (float[] r : rows) {
            double proj = 0;
            for (int j = 0; j < diff.length; j++) proj += (r[j] - mid[j]) * diff[j];
            if (positiveSide ? proj > 0 : proj < 0) right++;
        }
        return (double) right / rows.length;
    }
}
