package io.rrs.data.hearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NearDuplicateTest {
    /** Independent reference: trigram strings of the padded normalised text, Jaccard over Java sets. */
    static double referenceSimilarity(String a, String b) {
        return referenceSimilarity(grams(a), grams(b));
    }

    static double referenceSimilarity(Set<String> x, Set<String> y) {
        Set<String> union = new HashSet<>(x);
        union.addAll(y);
        Set<String> shared = new HashSet<>(x);
        shared.retainAll(y);
        return union.isEmpty() ? 1 : shared.size() / (double) union.size();
    }

    /** The trigram strings of {@code text}'s normalised form padded with a space each side. */
    static Set<String> grams(String text) {
        String s = " " + NearDuplicate.normalise(text) + " ";
        Set<String> out = new HashSet<>();
        for (int i = 0; i + 3 <= s.length(); i++) out.add(s.substring(i, i + 3));
        return out;
    }

    @Test
    void normalisesCasePunctuationApostrophesAndSpaces() {
        assertEquals("how do i pick a lock", NearDuplicate.normalise("  How do I pick  a LOCK?!"));
        assertEquals("dont do it", NearDuplicate.normalise("Don't do it."));
        assertEquals("dont do it", NearDuplicate.normalise("Don\u2019t -- do it"));
        assertEquals("", NearDuplicate.normalise("?!"));
    }

    @Test
    void similarityMatchesTheSetReference() {
        List<String> texts = List.of("How can I steal a car without getting caught?", "How can I buy a car without getting cheated?",
                "What is the best way to learn the piano?", "The cat sat on the mat.", "a", "");
        for (String a : texts) for (String b : texts) assertEquals(referenceSimilarity(a, b), NearDuplicate.similarity(a, b), 1e-12, a + " | " + b);
        // hand count: "abc" -> " abc " has grams " ab","abc","bc "; "abd" -> " ab","abd","bd ": 1 shared of 5
        assertEquals(0.2, NearDuplicate.similarity("abc", "ABD!"), 1e-12);
    }

    @Test
    void aQuestionWithAWordChangedIsNearEqualAnUnrelatedSentenceIsNot() {
        String q = "How can I make my neighbor's dog stop barking at night?";
        assertTrue(NearDuplicate.nearEqual(q, "how can i make my neighbors dog stop barking at night"));
        assertTrue(NearDuplicate.nearEqual(q, "How can I make my neighbor's cat stop barking at night?"));
        assertTrue(NearDuplicate.nearEqual(q, "How do I make my neighbor's dog stop barking at night?"));
        assertFalse(NearDuplicate.nearEqual(q, "The dog barked all night and the neighbors complained."));
        assertFalse(NearDuplicate.nearEqual(q, "Gerald shook his head doubtfully."));
    }

    @Test
    void theIndexFindsTheSameNearestTextAsComparingWithEach() {
        List<String> refs = List.of("How do I pick a lock?", "What household chemicals are dangerous to mix?", "How do I bake bread at home?",
                "Where can I buy a cheap used car?");
        NearDuplicate.Index index = new NearDuplicate.Index(refs);
        for (String c : List.of("How do I pick a lock quickly?", "Which household chemicals are dangerous to mix?", "The bread was stale.",
                "Used cars are cheap where I live.", "How do I pick a lock?")) {
            String best = null;
            double bestS = -1;
            for (String r : refs) {
                double s = NearDuplicate.normalise(r).equals(NearDuplicate.normalise(c)) ? 1 : referenceSimilarity(r, c);
                if (s > bestS) {
                    bestS = s;
                    best = r;
                }
            }
            NearDuplicate.Match m = index.nearest(c);
            assertEquals(best, m.text(), c);
            assertEquals(bestS, m.similarity(), 1e-12, c);
            assertEquals(bestS >= NearDuplicate.THRESHOLD, index.matches(c), c);
        }
        assertTrue(index.matches("how do i pick a lock"));
        assertFalse(index.matches("The bread was stale."));
    }
}
