package io.rrs.data;

import io.rrs.data.SourceDataset.Label;
import io.rrs.data.SourceDataset.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Scope: the train/test split by unique prompt text. Texts repeat across rows, and a harmful
 * prompt and its benign rewrite must stay on one side, so the unit of the split is a connected
 * component of the graph "text -- text of the same row index". Components are split per category
 * (stratified) with a fixed seed until about {@code testFraction} of that category's texts are in
 * test. Deterministic: same files and settings give the same split.
 */
public final class PromptSplit {

    /** Which side of the split a prompt is on. */
    public enum Split {
        TRAIN, TEST;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Split parse(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Settings of the split; the defaults are 80/20 with seed 20250519 (the paper's arXiv date). */
    public record Settings(double testFraction, long seed) {
        public Settings {
            if (!(testFraction > 0 && testFraction < 1)) {
                throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
            }
        }

        public static Settings defaults() {
            return new Settings(0.2, 20250519L);
        }
    }

    /**
     * One unique prompt text. {@code id} is "h" or "b" plus the first row index where the text
     * occurs (stable, and unique because each row holds one text per label); {@code rows} lists
     * every row index where it occurs; {@code group} names its connected component.
     */
    public record Prompt(String id, String text, Label label, String category, Split split, List<Integer> rows,
                         String sourcePath, int group) {
        public Prompt {
            rows = List.copyOf(rows);
        }
    }

    private PromptSplit() {}

    /** Splits the dataset; prompts come back in order of first appearance (h0, b0, h1, b1, ...). */
    public static List<Prompt> split(SourceDataset data, Settings settings) {
        Map<String, Integer> byText = new LinkedHashMap<>();
        List<Row> first = new ArrayList<>();
        List<List<Integer>> rowsOf = new ArrayList<>();
        int[] parent = new int[2 * data.pairs()];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        for (int i = 0; i < data.pairs(); i++) {
            int h = intern(data.harmful().get(i), byText, first, rowsOf);
            int b = intern(data.benign().get(i), byText, first, rowsOf);
            union(parent, h, b); // the harmful prompt and its rewrite stay together
        }
        int n = first.size();
        // Components, keyed by their smallest prompt index (= first appearance), in that order.
        Map<Integer, List<Integer>> components = new TreeMap<>();
        for (int p = 0; p < n; p++) components.computeIfAbsent(find(parent, p), k -> new ArrayList<>()).add(p);
        Map<String, List<List<Integer>>> byCategory = new TreeMap<>();
        int[] groupOf = new int[n];
        int g = 0;
        for (List<Integer> comp : components.values()) {
            for (int p : comp) groupOf[p] = g;
            g++;
            byCategory.computeIfAbsent(first.get(comp.get(0)).category(), k -> new ArrayList<>()).add(comp);
        }
        Split[] splitOf = new Split[n];
        Random random = new Random(settings.seed());
        for (List<List<Integer>> comps : byCategory.values()) {
            int texts = comps.stream().mapToInt(List::size).sum();
            long target = Math.round(settings.testFraction() * texts);
            List<List<Integer>> shuffled = new ArrayList<>(comps);
            Collections.shuffle(shuffled, random);
            int inTest = 0;
            for (List<Integer> comp : shuffled) {
                Split s = inTest < target ? Split.TEST : Split.TRAIN;
                if (s == Split.TEST) inTest += comp.size();
                for (int p : comp) splitOf[p] = s;
            }
        }
        List<Prompt> prompts = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            Row r = first.get(p);
            String id = (r.label() == Label.HARMFUL ? "h" : "b") + String.format("%03d", r.index());
            prompts.add(new Prompt(id, r.prompt(), r.label(), r.category(), splitOf[p], rowsOf.get(p), r.path(), groupOf[p]));
        }
        return prompts;
    }

    private static int intern(Row row, Map<String, Integer> byText, List<Row> first, List<List<Integer>> rowsOf) {
        Integer p = byText.get(row.prompt());
        if (p == null) {
            p = first.size();
            byText.put(row.prompt(), p);
            first.add(row);
            rowsOf.add(new ArrayList<>());
        } else if (first.get(p).label() != row.label()) {
            throw new IllegalArgumentException("the text \"" + row.prompt() + "\" is " + first.get(p).label().json() + " in row "
                    + first.get(p).index() + " but " + row.label().json() + " in row " + row.index() + "; a text needs one label");
        }
        rowsOf.get(p).add(row.index());
        return p;
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb); // the smaller index stays the root
    }
}
