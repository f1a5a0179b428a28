package io.rrs.data.hearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlainSentencesTest {
    @Test
    void splitsProseAtSentenceEndsButNotAfterAbbreviationsOrInitials() {
        assertEquals(List.of("Mr. Smith met Dr. J. Watson at noon.", "They talked, e.g. about tea!", "\"Why?\" he asked."),
                PlainSentences.split("Mr. Smith met Dr. J. Watson\n   at noon.  They talked, e.g. about tea! \"Why?\" he asked."));
    }

    @Test
    void cleansTypographicQuotesAndDashes() {
        assertEquals("\"It's here\" - she said.", PlainSentences.clean("\u201CIt\u2019s here\u201D\u2014she   said."));
    }

    @Test
    void acceptsPlainSentencesOfFourToTwentyFiveWords() {
        assertTrue(PlainSentences.isPlain("The cat sat down."));
        assertTrue(PlainSentences.isPlain("Is it \"raining\" today, my friend?"));
        assertTrue(PlainSentences.isPlain("Word " + "word ".repeat(23) + "end."), "25 words");
        assertFalse(PlainSentences.isPlain("The cat sat."), "3 words");
        assertFalse(PlainSentences.isPlain("Word " + "word ".repeat(24) + "end."), "26 words");
        assertFalse(PlainSentences.isPlain("It cost 300 dollars today."), "digits");
        assertFalse(PlainSentences.isPlain("See the {manual} for details."), "markup");
        assertFalse(PlainSentences.isPlain("Call me (later) tonight please."), "brackets");
        assertFalse(PlainSentences.isPlain("the cat sat down."), "lower-case start");
        assertFalse(PlainSentences.isPlain("The cat sat down"), "no end punctuation");
        assertFalse(PlainSentences.isPlain("THE CAT SAT DOWN."), "shouted");
        assertFalse(PlainSentences.isPlain("He said \"stop it now."), "unbalanced quote");
        assertFalse(PlainSentences.isPlain("Caf\u00e9 au lait is nice."), "not ASCII");
        assertFalse(PlainSentences.isPlain("And so it goes on..."), "trailing off");
    }

    @Test
    void turnsAnExamplePhraseIntoASentence() {
        assertEquals("The team is a unit.", PlainSentences.asSentence("the team is a unit"));
        assertEquals("Is it done?", PlainSentences.asSentence("is it done?"));
        assertEquals(5, PlainSentences.words("The team - is a unit."));
    }
}
