package io.rrs.reshape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

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
 *       along their difference (0.5: indistinguishable, 1: every row on its class's side), scored on the rows the
 *       means came from;</li>
 *   <li>{@code heldOut}: the same rule scored on questions it did not see: the questions (a group per text, so every
 *       rendition of a question stays together) are dealt into {@link #FOLDS} seeded folds and each fold's rows are
 *       judged by the class means of the other folds. In-sample, the rule flatters wide states: on isotropic noise of
 *       192 dimensions it "separates" 78 % of 351 rows and 63 % of 1600; held out it scores chance. {@link #weak()}
 *       reads this one; NaN when fewer than two questions of a class were given.</li>
 * </ul>
 * Rows are {@code [n][hidden]}; arithmetic in double.
 */
public record ClassSeparation(double meanDistance, double spread, double separated, double heldOut, int harmfulRows, int benignRows) {
    /** Below this balanced accuracy prepare warns that RRS has little to reshape. */
    public static final double WARN_BELOW = 0.75;
    /** Folds of the held-out measure. */
    public static final int FOLDS = 5;

    public ClassSeparation {
        if (harmfulRows < 1 || benignRows < 1) throw new IllegalArgumentException("class separation needs rows of both classes");
    }

    /**
     * Measures the rows; {@code harmfulQuestions[i]} names the question of {@code harmful[i]} (rows of one question are
     * held out together), likewise for benign; {@code seed} deals the folds.
     */
    public static ClassSeparation of(float[][] harmful, String[] harmfulQuestions, float[][] benign, String[] benignQuestions, long seed) {
        if (harmful.length == 0 || benign.length == 0) throw new IllegalArgumentException("class separation needs rows of both classes");
        if (harmfulQuestions.length != harmful.length || benignQuestions.length != benign.length)
            throw new IllegalArgumentException("one question per row is needed: " + harmfulQuestions.length + " for " + harmful.length
                    + " harmful rows, " + benignQuestions.length + " for " + benign.length + " benign rows");
        int d = harmful[0].length;
        double[] mh = mean(harmful, d, null, -1), mb = mean(benign, d, null, -1);
        double dist2 = 0;
        for (int j = 0; j < d; j++) dist2 += (mh[j] - mb[j]) * (mh[j] - mb[j]);
        double squares = squaredDistances(harmful, mh) + squaredDistances(benign, mb);
        double spread = Math.sqrt(squares / (harmful.length + benign.length));
        double separated = balancedAccuracy(harmful, benign, mh, mb);
        return new ClassSeparation(Math.sqrt(dist2), spread, separated, heldOut(harmful, harmfulQuestions, benign, benignQuestions, seed),
                harmful.length, benign.length);
    }

    /**
     * Balanced accuracy of the rule whose class means come from the training rows ({@code trainHarmful},
     * {@code trainBenign}), scored on other rows ({@code harmful}, {@code benign}; e.g. the test split): what RRS does
     * with a direction found on its training rows, applied to queries it never saw.
     */
    public static double judgedBy(float[][] trainHarmful, float[][] trainBenign, float[][] harmful, float[][] benign) {
        if (trainHarmful.length == 0 || trainBenign.length == 0 || harmful.length == 0 || benign.length == 0)
            throw new IllegalArgumentException("judging needs rows of both classes on both sides");
        int d = trainHarmful[0].length;
        double[] mh = mean(trainHarmful, d, null, -1), mb = mean(trainBenign, d, null, -1);
        if (harmful[0].length != d) throw new IllegalArgumentException("rows of different widths: " + harmful[0].length + " and " + d);
        return balancedAccuracy(harmful, benign, mh, mb);
    }

    /** Balanced accuracy of the midpoint rule of the class means {@code mh}, {@code mb} on every row. */
    private static double balancedAccuracy(float[][] harmful, float[][] benign, double[] mh, double[] mb) {
        return (right(harmful, mh, mb, true, null, -1) / (double) harmful.length + right(benign, mh, mb, false, null, -1) / (double) benign.length) / 2;
    }

    private static double heldOut(float[][] harmful, String[] harmfulQuestions, float[][] benign, String[] benignQuestions, long seed) {
        TreeSet<String> hq = new TreeSet<>(Arrays.asList(harmfulQuestions));
        TreeSet<String> bq = new TreeSet<>(Arrays.asList(benignQuestions));
        if (hq.size() < 2 || bq.size() < 2) return Double.NaN;
        // Each class's questions dealt round robin after a seeded shuffle: every fold holds both classes when it can.
        Map<String, Integer> foldOf = new HashMap<>();
        Random random = new Random(seed);
        int folds = Math.min(FOLDS, Math.min(hq.size(), bq.size()));
        for (TreeSet<String> questions : List.of(hq, bq)) {
            List<String> order = new ArrayList<>(questions);
            Collections.shuffle(order, random);
            for (int i = 0; i < order.size(); i++) foldOf.putIfAbsent(order.get(i), i % folds);
        }
        int[] hf = new int[harmful.length], bf = new int[benign.length];
        for (int i = 0; i < hf.length; i++) hf[i] = foldOf.get(harmfulQuestions[i]);
        for (int i = 0; i < bf.length; i++) bf[i] = foldOf.get(benignQuestions[i]);
        int d = harmful[0].length;
        long harmfulRight = 0, benignRight = 0;
        for (int f = 0; f < folds; f++) {
            double[] mh = mean(harmful, d, hf, f), mb = mean(benign, d, bf, f);
            harmfulRight += right(harmful, mh, mb, true, hf, f);
            benignRight += right(benign, mh, mb, false, bf, f);
        }
        return (harmfulRight / (double) harmful.length + benignRight / (double) benign.length) / 2;
    }

    /** True when RRS is unlikely to move this model (see {@link #WARN_BELOW}): by the held-out measure when there is one. */
    public boolean weak() {
        return judged() < WARN_BELOW;
    }

    /** The figure {@link #weak()} reads: the held-out one, or the in-sample one where there is no held-out measure. */
    public double judged() {
        return Double.isNaN(heldOut) ? separated : heldOut;
    }

    public void writeTo(ObjectNode o) {
        o.put("mean_distance", meanDistance).put("spread", spread).put("separated", separated);
        if (Double.isNaN(heldOut)) o.putNull("held_out");
        else o.put("held_out", heldOut);
        o.put("harmful_rows", harmfulRows).put("benign_rows", benignRows)
                .put("rule", "midpoint of the class means along their difference (balanced accuracy); held_out: each of up to "
                        + FOLDS + " folds of questions judged by the other folds' means");
    }

    /** As {@link #writeTo} wrote it (statistics.json's {@code class_separation}); a file without {@code held_out} reads NaN. */
    public static ClassSeparation fromJson(JsonNode o) {
        if (!o.isObject()) throw new IllegalArgumentException("no class_separation in the prepared statistics; prepare the run again");
        double heldOut = o.path("held_out").isNumber() ? o.path("held_out").asDouble() : Double.NaN;
        return new ClassSeparation(o.path("mean_distance").asDouble(), o.path("spread").asDouble(), o.path("separated").asDouble(), heldOut,
                o.path("harmful_rows").asInt(), o.path("benign_rows").asInt());
    }

    /** One line for the console. */
    public String describe() {
        String held = Double.isNaN(heldOut) ? "held out: too few questions"
                : String.format(Locale.ROOT, "%.1f %% of held-out questions", 100 * heldOut);
        return String.format(Locale.ROOT, "harmful vs benign at the last prompt token: %s separated along the class-mean difference "
                + "(%.1f %% of the rows the means came from; means %.3f apart, within-class spread %.3f)", held, 100 * separated, meanDistance, spread);
    }


    /** Mean of the rows outside fold {@code skip} ({@code fold} null: of every row). */
    private static double[] mean(float[][] rows, int d, int[] fold, int skip) {
        double[] m = new double[d];
        int n = 0;
        for (int i = 0; i < rows.length; i++) {
            float[] r = rows[i];
            if (r.length != d) throw new IllegalArgumentException("rows of different widths: " + r.length + " and " + d);
            if (fold != null && fold[i] == skip) continue;
            for (int j = 0; j < d; j++) m[j] += r[j];
            n++;
        }
        for (int j = 0; j < d; j++) m[j] /= n;
        return m;
    }

    private static double squaredDistances(float[][] rows, double[] mean) {
        double s = 0;
        for (float[] r : rows)
            for (int j = 0; j < mean.length; j++) s += (r[j] - mean[j]) * (r[j] - mean[j]);
        return s;
    }

    /** How many rows of fold {@code only} ({@code fold} null: of every row) lie on their class's side of the midpoint of {@code mh, mb}. */
    private static int right(float[][] rows, double[] mh, double[] mb, boolean positiveSide, int[] fold, int only) {
        int right = 0;
        for (int i = 0; i < rows.length; i++) {
            if (fold != null && fold[i] != only) continue;
            double proj = 0;
            for (int j = 0; j < mh.length; j++) proj += (rows[i][j] - (mh[j] + mb[j]) / 2) * (mh[j] - mb[j]);
            if (positiveSide ? proj > 0 : proj < 0) right++;
        }
        return right;
    }
}
