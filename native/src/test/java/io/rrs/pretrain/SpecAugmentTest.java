package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** SpecAugment masking of a padded batch: only valid frames change, to the clip's mean, in bands and spans of the stated size; seeded. */
class SpecAugmentTest {
    @Test
    void masksBandsAndSpansOfValidFramesWithTheClipMeanAndIsSeeded() {
        int mels = 80, frames = 300;
        long[] valid = {300, 180};
        float[] original = new float[2 * mels * frames];
        Random values = new Random(1);
        for (int i = 0; i < original.length; i++) original[i] = (float) values.nextGaussian();
        for (int m = 0; m < mels; m++) java.util.Arrays.fill(original, mels * frames + m * frames + 180, mels * frames + m * frames + frames, -1.5f); // clip 1's padding
        int changedSomewhere = 0;
        for (long seed = 1; seed <= 20; seed++) {
            float[] masked = original.clone();
            SpecAugment.mask(masked, mels, frames, valid, new Random(seed));
            float[] again = original.clone();
            SpecAugment.mask(again, mels, frames, valid, new Random(seed));
            assertArrayEquals(masked, again, "same seed, same masks");
            for (int b = 0; b < 2; b++) {
                int base = b * mels * frames, v = (int) valid[b];
                double sum = 0;
                for (int m = 0; m < mels; m++) for (int t = 0; t < v; t++) sum += original[base + m * frames + t];
                float mean = (float) (sum / (mels * v));
                boolean[] band = new boolean[mels], span = new boolean[frames];
                for (int m = 0; m < mels; m++)
                    for (int t = 0; t < frames; t++) {
                        int i = base + m * frames + t;
                        if (masked[i] == original[i]) continue;
                        assertTrue(t < v, "a padded frame changed: clip " + b + " frame " + t);
                        assertEquals(mean, masked[i], "masked to the clip's mean");
                        changedSomewhere++;
                    }
                // a changed cell lies in a fully masked mel band (over every valid frame) or a fully masked frame span (over every bin)
                for (int m = 0; m < mels; m++) {
                    band[m] = true;
                    for (int t = 0; t < v; t++) band[m] &= masked[base + m * frames + t] == mean;
                }
                for (int t = 0; t < v; t++) {
                    span[t] = true;
                    for (int m = 0; m < mels; m++) span[t] &= masked[base + m * frames + t] == mean;
                }
                int bins = 0, spanFrames = 0;
                for (boolean x : band) bins += x ? 1 : 0;
                for (boolean x : span) spanFrames += x ? 1 : 0;
                assertTrue(bins <= SpecAugment.FREQUENCY_MASKS * SpecAugment.MAX_BINS || spanFrames == v, "too many masked bins: " + bins);
                assertTrue(spanFrames <= SpecAugment.TIME_MASKS * Math.min(SpecAugment.MAX_FRAMES, v / 10) || bins == mels, "too many masked frames: " + spanFrames);
                for (int m = 0; m < mels; m++)
                    for (int t = 0; t < v; t++)
                        if (masked[base + m * frames + t] != original[base + m * frames + t]) assertTrue(band[m] || span[t], "a stray masked cell");
            }
        }
        assertTrue(changedSomewhere > 0, "20 seeds mask something");
    }
}
