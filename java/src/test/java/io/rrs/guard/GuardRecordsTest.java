package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of the guard's option and query records, the refusal phrases and the softmax. */
class GuardRecordsTest {
    @Test
    void optionsRejectWhatCannotWork() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GuardOptions.defaults().withIntraOpThreads(0)).getMessage().contains("intraOpThreads = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GuardOptions.defaults().withThreshold(1.5)).getMessage().contains("[0, 1]"));
        assertThrows(IllegalArgumentException.class, () -> GuardOptions.defaults().withThreshold(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GuardOptions.defaults().withLongAudio(null));
        assertThrows(IllegalArgumentException.class, () -> RespondOptions.defaults().withMaxNewTokens(0));
        GuardOptions o = GuardOptions.defaults().withFailClosed(true).withThreshold(0.2);
        assertTrue(o.failClosed());
        assertEquals(0.2, o.threshold());
        assertFalse(o.cuda());
    }

    @Test
    void queriesCarryOneAudioAndItsRate() {
        assertThrows(IllegalArgumentException.class, () -> new GuardQuery("x", new byte[4], new float[4], 16000, ""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GuardQuery.pcm(new float[4], 0, "")).getMessage().contains("sample rate"));
        assertThrows(IllegalArgumentException.class, () -> GuardQuery.wav(null, ""));
        GuardQuery q = GuardQuery.text(null);
        assertEquals("", q.text());
        assertFalse(q.hasAudioInput());
        assertEquals("id7", GuardQuery.pcm(new float[1], 8000, "t").withId("id7").id());
    }

    @Test
    void refusalPhrasesMatchCaseInsensitivelyAnywhere() {
        RefusalPhrases p = RefusalPhrases.defaults();
        assertTrue(p.refuses("I cannot help with that."));
        assertTrue(p.refuses("Well... i CAN'T do this"));
        assertTrue(p.refuses("I\u2019m sorry, no."));
        assertTrue(p.refuses("Sure. As an AI, I have limits"));
        assertFalse(p.refuses("Sure, here are the steps: mix flour and water."));
        assertFalse(p.refuses(""));
        assertTrue(new RefusalPhrases(List.of("No way")).refuses("no WAY!"));
        assertThrows(IllegalArgumentException.class, () -> new RefusalPhrases(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new RefusalPhrases(List.of(" ")));
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        float[] logits = {1000f, 1000f, 0f};
        assertEquals(0.5, Guard.softmaxAt(logits, 0), 1e-12);
        assertEquals(0.0, Guard.softmaxAt(logits, 2), 1e-300);
        float[] small = {0f, (float) Math.log(3)};
        assertEquals(0.75, Guard.softmaxAt(small, 1), 1e-7);
    }
}
