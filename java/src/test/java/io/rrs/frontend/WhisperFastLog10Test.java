package io.rrs.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** WhisperFastLog10 (used by WhisperLogMel) against Math.log10 over the range the front-end feeds it. */
class WhisperFastLog10Test {
    @Test
    void matchesMathLog10From1eMinus10Upwards() {
        SplittableRandom random = new SplittableRandom(3);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double x = Math.pow(10, -10 + 20 * random.nextDouble());
            worst = Math.max(worst, Math.abs(WhisperFastLog10.log10(x) - Math.log10(x)));
        }
        for (double x : new double[] {1e-10, 1, 2, Math.sqrt(2), 10, 1 - 1e-16, Math.nextUp(1.0), 1e10})
            worst = Math.max(worst, Math.abs(WhisperFastLog10.log10(x) - Math.log10(x)));
        System.out.printf("WhisperFastLog10 max |error| vs Math.log10: %.3g%n", worst);
        assertEquals(0, worst, 1e-12);
    }
}
