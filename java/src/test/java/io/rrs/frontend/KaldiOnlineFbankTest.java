package io.rrs.frontend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OnlineKaldiFbank must reproduce KaldiFbank.compute bit for bit, whatever the chunking. */
class KaldiOnlineFbankTest {

    /** A speech-like test signal: a few harmonics with a moving pitch plus noise, int16 scale. */
    static float[] testSignal(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double f0 = 120 + 60 * Math.sin(2 * Math.PI * i / 8000.0);
            phase += 2 * Math.PI * f0 / 16000;
            double v = 0;
            for (int h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
            x[i] = (float) Math.rint(6000 * v + 300 * r.nextGaussian());
        }
        return x;
    }

    static List<float[]> streamed(KaldiFbankOptions opts, float[] x, Random chunking, int maxChunk) {
        OnlineKaldiFbank online = new OnlineKaldiFbank(opts);
        List<float[]> frames = new ArrayList<>();
        int pos = 0;
        while (pos < x.length) {
            int len = Math.min(x.length - pos, 1 + chunking.nextInt(maxChunk));
            online.accept(x, pos, len);
            pos += len;
            for (float[] f : online.takeFrames()) frames.add(f);
            // every frame whose samples have all arrived is out already (snip_edges) or at most the mirrored tail remains
            assertTrue(online.numFramesComputed() <= opts.frame().numFrames(pos));
        }
        online.inputFinished();
        for (float[] f : online.takeFrames()) frames.add(f);
        return frames;
    }

    static void assertSameBits(float[][] expected, List<float[]> actual, String what) {
        assertEquals(expected.length, actual.size(), what + ": frame count");
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual.get(i), what + ": frame " + i);
    }

    @Test
    void randomChunkingsEqualOneShotForBothEdgeModes() {
        Random chunking = new Random(20240611L);
        float[] x = testSignal(16000 * 3 + 123, 7);
        KaldiFbankOptions[] variants = {
                KaldiFbankOptions.defaults().withNumMelBins(80),
                KaldiFbankOptions.defaults().withFrame(FrameOptions.defaults().withSnipEdges(false)).withNumMelBins(80).withUseEnergy(true),
                KaldiFbankOptions.defaults().withFrame(FrameOptions.defaults().withSnipEdges(false).withWindowType(KaldiWindowType.HAMMING)
                        .withFrameLengthMs(32).withFrameShiftMs(12.5)).withUseEnergy(true).withHtkCompat(true),
                KaldiFbankOptions.defaults().withFrame(FrameOptions.defaults().withDither(1.0).withDitherSeed(99)).withNumMelBins(40),
                KaldiFbankOptions.defaults().withFrame(FrameOptions.defaults().withSnipEdges(false).withRoundToPowerOfTwo(false)).withNumMelBins(40),
        };
        for (KaldiFbankOptions opts : variants) {
            float[][] oneShot = new KaldiFbank(opts).compute(x);
            for (int trial = 0; trial < 12; trial++) {
                int maxChunk = trial < 4 ? 1 + chunking.nextInt(50) : 1 + chunking.nextInt(3000);
                assertSameBits(oneShot, streamed(opts, x, chunking, maxChunk), opts.frame() + " chunks<=" + maxChunk);
            }
        }
    }

    @Test
    void shortSignalsAndSingleSamplesEqualOneShot() {
        Random chunking = new Random(5);
        for (boolean snip : new boolean[] {true, false}) {
            KaldiFbankOptions opts = KaldiFbankOptions.defaults().withFrame(FrameOptions.defaults().withSnipEdges(snip));
            for (int n : new int[] {0, 1, 2, 79, 80, 81, 159, 160, 161, 239, 240, 399, 400, 401, 559, 560, 561, 1234}) {
                float[] x = testSignal(n, n);
                float[][] oneShot = new KaldiFbank(opts).compute(x);
                assertEquals(opts.frame().numFrames(n), oneShot.length, "snip=" + snip + " n=" + n);
                assertSameBits(oneShot, streamed(opts, x, chunking, 1), "snip=" + snip + " n=" + n + " sample by sample");
                assertSameBits(oneShot, streamed(opts, x, chunking, 300), "snip=" + snip + " n=" + n);
            }
        }
    }

    @Test
    void snipEdgesFramesComeAsSoonAsTheyAreCompleteAndMirroredTailWaitsForTheEnd() {
        OnlineKaldiFbank snip = new OnlineKaldiFbank(KaldiFbankOptions.defaults());
        snip.accept(new float[399]);
        assertEquals(0, snip.takeFrames().length);
        snip.accept(new float[1]);
        assertEquals(1, snip.takeFrames().length, "frame 0 is complete at 400 samples");

        OnlineKaldiFbank mirrored = new OnlineKaldiFbank(KaldiFbankOptions.defaults().withFrame(FrameOptions.defaults().withSnipEdges(false)));
        mirrored.accept(testSignal(1000, 1));
        int early = mirrored.takeFrames().length;
        mirrored.inputFinished();
        int late = mirrored.takeFrames().length;
        assertEquals(FrameOptions.defaults().withSnipEdges(false).numFrames(1000), early + late);
        assertTrue(late > 0, "frames that reach past the end must wait for inputFinished");
    }

    @Test
    void rejectsSubtractMeanAndInputAfterTheEnd() {
        var e = assertThrows(IllegalArgumentException.class, () -> new OnlineKaldiFbank(KaldiFbankOptions.defaults().withSubtractMean(true)));
        assertTrue(e.getMessage().contains("subtract_mean"));
        OnlineKaldiFbank online = new OnlineKaldiFbank(KaldiFbankOptions.defaults());
        online.inputFinished();
        assertThrows(IllegalStateException.class, () -> online.accept(new float[10]));
        assertThrows(IllegalArgumentException.class, () -> new OnlineKaldiFbank(KaldiFbankOptions.defaults()).accept(new float[10], 5, 6));
    }

    @Test
    void longStreamKeepsMemoryBounded() {
        OnlineKaldiFbank online = new OnlineKaldiFbank(KaldiFbankOptions.defaults());
        float[] chunk = testSignal(1600, 3);
        for (int i = 0; i < 2000; i++) { // 200 s
            online.accept(chunk);
            online.takeFrames();
        }
        assertEquals(KaldiFbankOptions.defaults().frame().numFrames(1600L * 2000), online.numFramesComputed());
        assertTrue(online.bufferedSamples() < 16000, "buffer grew to " + online.bufferedSamples() + " samples");
    }
}
