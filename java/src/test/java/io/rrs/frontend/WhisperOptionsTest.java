package io.rrs.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WhisperOptionsTest {

    @Test
    void qwen2AudioDefaultsAreWhisperLargeV3s() {
        WhisperOptions o = WhisperOptions.QWEN2_AUDIO;
        assertEquals(128, o.numMels());
        assertEquals(480000, o.chunkSamples());
        assertEquals(3000, o.chunkFrames());
        assertEquals(201, o.numFrequencyBins());
        assertTrue(o.padOrTrim());
        assertEquals(false, o.withPadOrTrim(false).padOrTrim());
    }

    @Test
    void invalidSettingsNameTheFix() {
        IllegalArgumentException mels = assertThrows(IllegalArgumentException.class, () -> WhisperOptions.ofMels(64));
        assertTrue(mels.getMessage().contains("80") && mels.getMessage().contains("128"), mels.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WhisperOptions(80, 401, 160, 16000, 30, true));
        assertThrows(IllegalArgumentException.class, () -> new WhisperOptions(80, 400, 0, 16000, 30, true));
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class, () -> new WhisperOptions(80, 400, 160, 800, 30, true));
        assertTrue(rate.getMessage().contains("resample"), rate.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WhisperOptions(128, 200, 160, 16000, 30, true));
    }
}
