package io.rrs.pretrain;

import java.util.Random;

/**
 * Scope: SpecAugment-style masking of a transcription batch's log-mel features (Park et al. 2019, without time warping):
 * per clip, {@value #FREQUENCY_MASKS} bands of 0..{@value #MAX_BINS} mel bins and {@value #TIME_MASKS} spans of
 * 0..{@value #MAX_FRAMES} frames (at most a tenth of the clip's valid frames each) are set to the clip's mean over its
 * valid frames. Why: a tower that hears 10k sentences can still memorise voices; hiding parts of each clip makes it use
 * the context. Only valid frames are masked (the padding stays the silence value the encoder expects). Seeded per batch,
 * so a resumed run masks as the uninterrupted one did.
 */
final class SpecAugment {
    static final int FREQUENCY_MASKS = 2, MAX_BINS = 10, TIME_MASKS = 2, MAX_FRAMES = 25;
    /** What {@code pretrain.json} records. */
    static final String DESCRIPTION = "specaugment: " + FREQUENCY_MASKS + " x 0-" + MAX_BINS + " mel bins, " + TIME_MASKS + " x 0-" + MAX_FRAMES
            + " frames (<= 10 % of the clip), the clip's mean";

    private SpecAugment() {}

    /** Masks {@code features} [batch, melBins, frames] in place; clip b's valid frames are {@code validFrames[b]}. */
    static void mask(float[] features, int melBins, int frames, long[] validFrames, Random rnd) {
        for (int b = 0; b < validFrames.length; b++) {
            int valid = (int) Math.min(validFrames[b], frames), base = b * melBins * frames;
            double sum = 0;
            for (int m = 0; m < melBins; m++) for (int t = 0; t < valid; t++) sum += features[base + m * frames + t];
            float mean = (float) (sum / Math.max(1, (long) melBins * valid));
            for (int k = 0; k < FREQUENCY_MASKS; k++) {
                int width = rnd.nextInt(MAX_BINS + 1), from = rnd.nextInt(melBins - Math.min(width, melBins) + 1);
                for (int m = from; m < Math.min(melBins, from + width); m++) java.util.Arrays.fill(features, base + m * frames, base + m * frames + valid, mean);
            }
            int maxWidth = Math.min(MAX_FRAMES, valid / 10);
            for (int k = 0; k < TIME_MASKS; k++) {
                int width = rnd.nextInt(maxWidth + 1), from = rnd.nextInt(valid - width + 1);
                for (int m = 0; m < melBins; m++) java.util.Arrays.fill(features, base + m * frames + from, base + m * frames + from + width, mean);
            }
        }
    }
}
