package io.rrs.data.hearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HearingSentencesTest {
    static Path repoDataDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !java.nio.file.Files.isRegularFile(p.resolve("data/rrs/harmful.json"))) p = p.getParent();
        return p.resolve("data/rrs");
    }

    static List<String> numbered(String stem, int n) {
        List<String> out = new ArrayList<>();
        String[] words = {"apple", "river", "stone", "cloud", "garden", "window", "candle", "forest", "silver", "harbor", "meadow", "lantern"};
        for (int i = 0; i < n; i++) out.add("The " + words[i % words.length] + " " + stem + " " + words[(i / words.length) % words.length] + " again today.");
        return out;
    }

    @Test
    void poolsKeepPlainSentencesOnceInTheFirstSourceThatHasThem() {
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        candidates.put("a", List.of("The cat sat down.", "too short.", "The dog ran off home.", "The cat   sat down!"));
        candidates.put("b", List.of("the cat sat down", "THE CAT SAT DOWN.", "The dog ran off home.", "A bird sang in the tree."));
        List<HearingSentences.Pool> pools = HearingSentences.pools(candidates);
        assertEquals(List.of("The cat sat down.", "The dog ran off home."), pools.get(0).sentences());
        assertEquals(List.of("A bird sang in the tree."), pools.get(1).sentences());
    }

    @Test
    void selectionIsBalancedSeededSkipsQuestionsAndKeepsValidationApart() {
        String question = "How can I get my neighbor's dog to stop barking at night?";
        List<String> a = new ArrayList<>(numbered("shines", 30));
        a.add("How can I get my neighbours dog to stop barking at night?"); // near-equal to the question
        List<HearingSentences.Pool> pools = List.of(new HearingSentences.Pool("a", a.stream().sorted().toList()),
                new HearingSentences.Pool("b", numbered("sleeps", 40)), new HearingSentences.Pool("small", numbered("waits", 3)));
        NearDuplicate.Index questions = new NearDuplicate.Index(List.of(question));
        HearingSentences.Settings settings = new HearingSentences.Settings(20, 10, 7, List.of());
        HearingSentences.Result r = HearingSentences.select(pools, questions, settings);
        assertEquals(30, r.sentences().size());
        assertEquals(Map.of("a", 14, "b", 13, "small", 3), r.chosenPerSource(), "round robin; the small source's turns go to the others");
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            HearingSentences.Sentence s = r.sentences().get(i);
            assertEquals(String.format("s%05d", i), s.id());
            assertEquals(i < 20 ? "pretrain" : "validation", s.split());
            assertTrue(texts.add(s.text()), "distinct");
            assertFalse(NearDuplicate.nearEqual(s.text(), question), s.text());
        }
        assertEquals(r, HearingSentences.select(pools, questions, settings), "same pools and seed, same choice");
        assertTrue(!r.sentences().equals(HearingSentences.select(pools, questions, new HearingSentences.Settings(20, 10, 8, List.of())).sentences()),
                "another seed, another choice");
        // the near-question sentence is skipped whenever its turn comes: with every sentence wanted it is the only one left out
        HearingSentences.Result all = HearingSentences.select(pools, questions, new HearingSentences.Settings(100, 0, 7, List.of()));
        assertEquals(73, all.sentences().size());
        assertEquals(1, all.nearQuestionSkipped());
    }

    @Test
    void fileRoundTripsAndRefusesForeignLines(@TempDir Path tmp) throws IOException {
        List<HearingSentences.Sentence> s = List.of(new HearingSentences.Sentence("s00000", "The cat sat down.", "fortunes", "pretrain"),
                new HearingSentences.Sentence("s00001", "A \"quoted\" word here.", "wordnet-base", "validation"));
        Path f = tmp.resolve("h/hearing.jsonl");
        HearingSentences.write(f, s);
        assertEquals(s, HearingSentences.read(f));
        java.nio.file.Files.writeString(f, "{\"id\":\"x\",\"text\":\"t\",\"source\":\"s\",\"split\":\"train\"}\n");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> HearingSentences.read(f));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("rrs data hearing"), e.getMessage());
    }

    /** The real package, where installed (data/install-voices.sh): the smallest source, checked against every dataset question. */
    @Test
    void extractsFromTheInstalledPackagesAwayFromEveryQuestion() throws IOException {
        try {
            DebianCorpora.installedFiles("fortunes-min");
        } catch (IOException missing) {
            Assumptions.abort(missing.getMessage());
        }
        HearingSentences.Settings settings = new HearingSentences.Settings(100, 20, 20250519, List.of("fortunes-min"));
        HearingSentences.Result r = HearingSentences.extract(settings, repoDataDir());
        assertEquals(120, r.sentences().size());
        assertEquals(Map.of("fortunes-min", 120), r.chosenPerSource());
        assertTrue(r.plainPerSource().get("fortunes-min") > 900, r.summary());
        List<String> questions = HearingSentences.questions(repoDataDir());
        assertTrue(questions.size() > 1200, "every harmful and benign text");
        List<Set<String>> questionGrams = questions.stream().map(NearDuplicateTest::grams).toList();
        Set<String> seen = new HashSet<>();
        for (HearingSentences.Sentence s : r.sentences()) {
            assertTrue(PlainSentences.isPlain(s.text()), s.text());
            assertTrue(seen.add(NearDuplicate.normalise(s.text())), "deduplicated: " + s.text());
            Set<String> g = NearDuplicateTest.grams(s.text());
            for (int q = 0; q < questions.size(); q++) {
                assertTrue(NearDuplicateTest.referenceSimilarity(g, questionGrams.get(q)) < NearDuplicate.THRESHOLD, s.text() + " ~ " + questions.get(q));
            }
        }
    }
}
