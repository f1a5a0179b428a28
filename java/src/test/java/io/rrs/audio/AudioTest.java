package io.rrs.audio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Validation and immutability of {@link Audio}. */
class AudioTest {
    @Test
    void durationAndAccessors() {
        Audio a = new Audio(new float[24000], 16000);
        assertEquals(1.5, a.durationSeconds(), 0);
        assertEquals(24000, a.length());
        assertEquals("Audio[24000 samples, 16000 Hz, 1.500 s]", a.toString());
    }

    @Test
    void samplesAreCopiedInAndOut() {
        float[] source = {0.1f, 0.2f};
        Audio a = new Audio(source, 8000);
        source[0] = 0.9f;
        a.samples()[1] = 0.9f;
        assertArrayEquals(new float[] {0.1f, 0.2f}, a.samples(), 0f);
        assertEquals(a, new Audio(new float[] {0.1f, 0.2f}, 8000));
        assertEquals(a.hashCode(), new Audio(new float[] {0.1f, 0.2f}, 8000).hashCode());
        assertNotEquals(a, new Audio(new float[] {0.1f, 0.2f}, 16000));
    }

    @Test
    void rejectsOutOfRangeAndNonFiniteSamples() {
        new Audio(new float[] {-1f, 1f}, 16000); // full scale itself is allowed
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Audio(new float[] {0f, 1200f}, 16000));
        assertTrue(e.getMessage().contains("sample 1 is 1200.0") && e.getMessage().contains("divide by 32768"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Audio(new float[] {Float.NaN}, 16000));
        assertThrows(IllegalArgumentException.class, () -> new Audio(new float[] {Float.NEGATIVE_INFINITY}, 16000));
        assertThrows(IllegalArgumentException.class, () -> new Audio(new float[] {-1.0001f}, 16000));
        assertThrows(IllegalArgumentException.class, () -> new Audio(null, 16000));
    }

    @Test
    void rejectsAbsurdSampleRates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Audio(new float[1], 16));
        assertTrue(e.getMessage().contains("16000, not 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Audio(new float[1], 768_001));
        new Audio(new float[1], 1000);
        new Audio(new float[1], 768_000);
    }
}
