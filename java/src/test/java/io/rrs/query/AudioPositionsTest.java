package io.rrs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AudioPositionsTest {
    @Test
    void positionsFollowConvStrideThenPooling() {
        for (int n = 3; n <= 5000; n++) {
            int afterConv = (n + 2 * 1 - 3) / 2 + 1;   // conv2: kernel 3, stride 2, padding 1
            int afterPool = (afterConv - 2) / 2 + 1;   // avg pool: kernel 2, stride 2
            assertEquals(afterConv, AudioPositions.convFrames(n), "mel frames " + n);
            assertEquals(afterPool, AudioPositions.of(n), "mel frames " + n);
        }
        assertEquals(750, AudioPositions.of(3000), "30 s of audio is 750 positions in Qwen2-Audio");
        assertEquals(0, AudioPositions.pooled(0), "a padded row without audio has no positions");
        var e = assertThrows(IllegalArgumentException.class, () -> AudioPositions.of(2));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }
}
