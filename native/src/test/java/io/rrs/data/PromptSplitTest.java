package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.data.PromptSplit.Prompt;
import io.rrs.data.PromptSplit.Split;
import io.rrs.data.SourceDataset.Label;
import io.rrs.data.SourceDataset.Row;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The split of the real release: unique texts, pairs together, stratified, deterministic. */
class PromptSplitTest {
    static SourceDataset data;
    static List<Prompt> prompts;

    @BeforeAll
    static void load() throws IOException {
        data = SourceDataset.read(TestData.repoDataDir());
        prompts = PromptSplit.split(data, PromptSplit.Settings.defaults());
    }

    static Map<String, Prompt> byText() {
        Map<String, Prompt> m = new HashMap<>();
        for (Prompt p : prompts) assertEquals(null, m.put(p.text(), p), "text listed twice: " + p.text());
        return m;
    }

    @Test
    void everyUniqueTextIsOnePromptOnOneSide() {
        assertEquals(700, data.pairs());
        assertEquals(600 + 665, prompts.size(), "600 distinct harmful and 665 distinct benign texts");
        Map<String, Prompt> byText = byText();
        for (Row r : data.harmful()) assertEquals(Label.HARMFUL, byText.get(r.prompt()).label());
        for (Row r : data.benign()) assertEquals(Label.BENIGN, byText.get(r.prompt()).label());
        assertEquals(prompts.size(), new HashSet<>(prompts.stream().map(Prompt::id).toList()).size(), "ids are unique");
    }

    @Test
    void aHarmfulPromptAndItsRewriteStayTogether() {
        Map<String, Prompt> byText = byText();
        for (int i = 0; i < data.pairs(); i++) {
            Prompt h = byText.get(data.harmful().get(i).prompt());
            Prompt b = byText.get(data.benign().get(i).prompt());
            assertEquals(h.split(), b.split(), "row " + i);
            assertEquals(h.group(), b.group(), "row " + i);
        }
    }

    @Test
    void eachCategoryIsSplitAboutEightyTwenty() {
        Map<String, int[]> counts = new HashMap<>();
        for (Prompt p : prompts) counts.computeIfAbsent(p.category(), k -> new int[2])[p.split() == Split.TEST ? 1 : 0]++;
        assertEquals(14, counts.size());
        int test = 0;
        for (var e : counts.entrySet()) {
            double share = e.getValue()[1] / (double) (e.getValue()[0] + e.getValue()[1]);
            assertTrue(share > 0.15 && share < 0.25, e.getKey() + " test share " + share);
            test += e.getValue()[1];
        }
        assertEquals(0.2, test / (double) prompts.size(), 0.01);
    }

    @Test
    void theSplitIsAFunctionOfDataAndSeed() {
        assertEquals(prompts, PromptSplit.split(data, PromptSplit.Settings.defaults()));
        List<Prompt> other = PromptSplit.split(data, new PromptSplit.Settings(0.2, 1));
        assertNotEquals(prompts.stream().map(Prompt::split).toList(), other.stream().map(Prompt::split).toList());
    }

    @Test
    void repeatedTextsJoinTheirPairsTransitively() {
        // Rows 0 and 1 share the harmful text A; row 2 reuses row 1's rewrite. All five texts are one group.
        var harmful = List.of(row(0, Label.HARMFUL, "A", "x"), row(1, Label.HARMFUL, "A", "y"), row(2, Label.HARMFUL, "C", "x"),
                row(3, Label.HARMFUL, "D", "x"), row(4, Label.HARMFUL, "E", "x"));
        var benign = List.of(row(0, Label.BENIGN, "a", "x"), row(1, Label.BENIGN, "b", "y"), row(2, Label.BENIGN, "b", "x"),
                row(3, Label.BENIGN, "d", "x"), row(4, Label.BENIGN, "e", "x"));
        List<Prompt> split = PromptSplit.split(new SourceDataset(harmful, benign), new PromptSplit.Settings(0.5, 3));
        Map<String, Prompt> m = new HashMap<>();
        for (Prompt p : split) m.put(p.text(), p);
        assertEquals(8, split.size());
        for (String t : List.of("a", "b", "C")) {
            assertEquals(m.get("A").group(), m.get(t).group(), t);
            assertEquals(m.get("A").split(), m.get(t).split(), t);
        }
        assertEquals(List.of(0, 1), m.get("A").rows());
        assertEquals("h000", m.get("A").id());
        assertEquals("b001", m.get("b").id());
        assertEquals("x", m.get("A").category(), "category of the first occurrence");
    }

    @Test
    void aTextWithTwoLabelsOrUnpairedFilesFailByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> PromptSplit.split(new SourceDataset(
                List.of(row(0, Label.HARMFUL, "same", "x")), List.of(row(0, Label.BENIGN, "same", "x"))), PromptSplit.Settings.defaults()));
        assertTrue(e.getMessage().contains("\"same\" is harmful in row 0 but benign in row 0"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new SourceDataset(List.of(row(0, Label.HARMFUL, "A", "x")), List.of()));
        assertTrue(e2.getMessage().contains("pair by index"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PromptSplit.Settings(1.0, 1));
    }

    static Row row(int i, Label label, String text, String category) {
        return new Row(i, label, text, category, "p" + i);
    }
}
