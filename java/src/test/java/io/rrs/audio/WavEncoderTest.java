package io.rrs.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** WavEncoder is WavDecoder's inverse for mono 16-bit PCM. */
class WavEncoderTest {
    @Test
    void roundTripsThroughTheDecoder() throws Exception {
        short[] pcm = {0, 1, -1, 32767, -32768, 12345, -2024};
        Audio audio = WavDecoder.decode(WavEncoder.pcm16(pcm, 22050), "<encoded>");
        assertEquals(22050, audio.sampleRate());
        float[] expected = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) expected[i] = pcm[i] / 32768f;
        assertArrayEquals(expected, audio.samples());
        assertEquals(44 + 2 * pcm.length, WavEncoder.pcm16(pcm, 16000).length);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> WavEncoder.pcm16(new short[1], 0));
    }
}
