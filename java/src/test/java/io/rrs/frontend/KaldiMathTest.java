package io.rrs.frontend;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KaldiMathTest {
    @Test
    void fastLogIsWithinOneUlpOfMathLog() {
        Random r = new Random(1);
        float worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            float v = Float.intBitsToFloat(0x00800000 + r.nextInt(0x7f000000)); // every positive normal float
            float expected = (float) Math.log(v);
            float diff = Math.abs(KaldiMath.log(v) - expected);
            worst = Math.max(worst, diff / Math.max(Math.ulp(expected), Float.MIN_NORMAL));
        }
        assertTrue(worst <= 1f, "worst error " + worst + " ulp");
        assertEquals(0f, KaldiMath.log(1f));
        assertEquals((float) Math.log(Math.ulp(1f)), KaldiMath.log(Math.ulp(1f)));
        assertEquals(Float.NEGATIVE_INFINITY, KaldiMath.log(0f));
        assertTrue(Float.isNaN(KaldiMath.log(Float.NaN)));
    }
}
