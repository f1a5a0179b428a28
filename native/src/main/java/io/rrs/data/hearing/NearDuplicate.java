package io.rrs.data.hearing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Scope: the one rule for "equal or near-equal" texts, used to keep the dataset's questions out of
 * the hearing sentences. Two texts are near-equal when their normalised forms ({@link #normalise}:
 * lower case, letters and digits only, one space between words) are equal, or when the Jaccard
 * similarity of their sets of character trigrams (over the normalised form padded with a space at
 * each end) is at least {@link #THRESHOLD}. Trigrams see through a changed word, a reordering or an
 * inflection that a word comparison would miss; 0.5 is far above what two unrelated English
 * sentences share (typically 0.05-0.2) and below what a question with one or two words changed keeps.
 */
public final class NearDuplicate {
    /** Jaccard similarity of character-trigram sets at or above which two texts are near-equal. */
    public static final double THRESHOLD = 0.5;

    private static final int SYMBOLS = 37; // space, a-z, 0-9

    private NearDuplicate() {}

    /** Lower case, apostrophes dropped ("don't" = "dont"), every other non-alphanumeric a space, spaces collapsed. */
    public static String normalise(String text) {
        String lower = text.toLowerCase(Locale.ROOT).replace("'", "").replace("\u2019", "");
        StringBuilder sb = new StringBuilder(lower.length());
        boolean space = true;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (keep) {
                sb.append(c);
                space = false;
            } else if (!space) {
                sb.append(' ');
                space = true;
            }
        }
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == ' ') sb.setLength(n - 1);
        return sb.toString();
    }

    /** The sorted, distinct character trigrams of {@code normalise(text)} padded with one space each side, as codes. */
    static int[] trigrams(String text) {
        String s = " " + normalise(text) + " ";
        int[] codes = new int[Math.max(0, s.length() - 2)];
        for (int i = 0; i + 3 <= s.length(); i++) codes[i] = (code(s.charAt(i)) * SYMBOLS + code(s.charAt(i + 1))) * SYMBOLS + code(s.charAt(i + 2));
        return Arrays.stream(codes).sorted().distinct().toArray();
    }

    private static int code(char c) {
        return c == ' ' ? 0 : c <= '9' ? 1 + (c - '0') : 11 + (c - 'a');
    }

    /** Jaccard similarity of the two texts' trigram sets (1 for two texts without any). */
    public static double similarity(String a, String b) {
        int[] x = trigrams(a), y = trigrams(b);
        if (x.length == 0 && y.length == 0) return 1;
        int shared = 0;
        for (int i = 0, j = 0; i < x.length && j < y.length; ) {
            if (x[i] == y[j]) {
                shared++;
                i++;
                j++;
            } else if (x[i] < y[j]) i++;
            else j++;
        }
        return shared / (double) (x.length + y.length - shared);
    }

    /** Whether {@code a} and {@code b} are equal or near-equal by this rule. */
    public static boolean nearEqual(String a, String b) {
        return normalise(a).equals(normalise(b)) || similarity(a, b) >= THRESHOLD;
    }

    /** The closest of some reference texts to a candidate, and how close. */
    public record Match(String text, double similarity) {}

    /**
     * The reference texts (e.g. every dataset question) indexed by trigram, so that one candidate is
     * compared with all of them in time proportional to the trigrams they share.
     */
    public static final class Index {
        private final List<String> texts;
        private final List<String> normalised;
        private final int[] sizes;
        private final int[][] postings;

        public Index(List<String> texts) {
            this.texts = List.copyOf(texts);
            this.normalised = this.texts.stream().map(NearDuplicate::normalise).toList();
            this.sizes = new int[texts.size()];
            List<List<Integer>> lists = new ArrayList<>(SYMBOLS * SYMBOLS * SYMBOLS);
            for (int i = 0; i < SYMBOLS * SYMBOLS * SYMBOLS; i++) lists.add(null);
            for (int t = 0; t < this.texts.size(); t++) {
                int[] g = trigrams(this.texts.get(t));
                sizes[t] = g.length;
                for (int code : g) {
                    if (lists.get(code) == null) lists.set(code, new ArrayList<>());
                    lists.get(code).add(t);
                }
            }
            postings = new int[lists.size()][];
            for (int i = 0; i < lists.size(); i++) postings[i] = lists.get(i) == null ? new int[0] : lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }

        /** The most similar reference text (normalised-equal counts as 1), or null when the index is empty. */
        public Match nearest(String candidate) {
            String norm = normalise(candidate);
            int[] g = trigrams(candidate);
            int[] shared = new int[texts.size()];
            for (int code : g) for (int t : postings[code]) shared[t]++;
            int best = -1;
            double bestSimilarity = -1;
            for (int t = 0; t < texts.size(); t++) {
                double s = normalised.get(t).equals(norm) ? 1 : (g.length + sizes[t] == 0 ? 1 : shared[t] / (double) (g.length + sizes[t] - shared[t]));
                if (s > bestSimilarity) {
                    bestSimilarity = s;
                    best = t;
                }
            }
            return best < 0 ? null : new Match(texts.get(best), bestSimilarity);
        }

        /** Whether some reference text is equal or near-equal to {@code candidate}. */
        public boolean matches(String candidate) {
            Match m = nearest(candidate);
            return m != null && m.similarity() >= THRESHOLD;
        }
    }
}
