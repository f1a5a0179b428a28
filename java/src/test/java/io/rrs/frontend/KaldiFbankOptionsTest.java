package io.rrs.frontend;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults, validation messages, frame arithmetic, option names, input scale and dither determinism. */
class KaldiFbankOptionsTest {

    @Test
    void defaultsAreTorchaudios() {
        KaldiFbankOptions d = KaldiFbankOptions.defaults();
        FrameOptions f = d.frame();
        assertEquals(16000, f.sampleFrequency());
        assertEquals(400, f.windowSize());
        assertEquals(160, f.windowShift());
        assertEquals(512, f.paddedWindowSize());
        assertEquals(0.0, f.dither());
        assertEquals(0.97, f.preemphasisCoefficient());
        assertTrue(f.removeDcOffset() && f.roundToPowerOfTwo() && f.snipEdges());
        assertEquals(KaldiWindowType.POVEY, f.windowType());
        assertEquals(0.42, f.blackmanCoeff());
        assertEquals(23, d.mel().numBins());
        assertEquals(20.0, d.mel().lowFreq());
        assertEquals(0.0, d.mel().highFreq());
        assertEquals(100.0, d.mel().vtlnLow());
        assertEquals(-500.0, d.mel().vtlnHigh());
        assertEquals(1.0, d.mel().vtlnWarp());
        assertEquals(1.0, d.energyFloor());
        assertTrue(d.rawEnergy() && d.useLogFbank() && d.usePower());
        assertFalse(d.useEnergy() || d.htkCompat() || d.subtractMean());
        assertEquals(1f, d.inputScale());
    }

    @Test
    void frameCountsFollowKaldi() {
        FrameOptions snip = FrameOptions.defaults();
        FrameOptions mirror = snip.withSnipEdges(false);
        assertEquals(0, snip.numFrames(399));
        assertEquals(1, snip.numFrames(400));
        assertEquals(1, snip.numFrames(559));
        assertEquals(2, snip.numFrames(560));
        assertEquals(0, mirror.numFrames(79));
        assertEquals(1, mirror.numFrames(80));
        assertEquals(100, mirror.numFrames(16000));
        assertEquals(-120, mirror.frameStart(0)); // centred on shift/2: 80 - 200
        assertEquals(640, new FrameOptions(16000, 10, 25, 0, 0, 0.97, true, KaldiWindowType.POVEY, 0.42, false, true).withFrameLengthMs(40).paddedWindowSize());
    }

    @Test
    void invalidValuesNameTheField() {
        assertMessage("frame_shift", () -> FrameOptions.defaults().withFrameShiftMs(0));
        assertMessage("frame_length", () -> FrameOptions.defaults().withFrameLengthMs(0.1));
        assertMessage("dither", () -> FrameOptions.defaults().withDither(-1));
        assertMessage("preemphasis_coefficient", () -> FrameOptions.defaults().withPreemphasisCoefficient(1.5));
        assertMessage("odd FFT size", () -> FrameOptions.defaults().withRoundToPowerOfTwo(false).withFrameLengthMs(25.0625));
        assertMessage("window_type", () -> KaldiWindowType.fromKaldiName("kaiser"));
        assertMessage("num_mel_bins", () -> MelBankOptions.defaults().withNumBins(3));
        assertMessage("high_freq", () -> KaldiFbankOptions.defaults().withMel(MelBankOptions.defaults().withHighFreq(9000)));
        assertMessage("low_freq", () -> KaldiFbankOptions.defaults().withMel(MelBankOptions.defaults().withLowFreq(8000)));
        assertMessage("vtln_low", () -> KaldiFbankOptions.defaults().withMel(MelBankOptions.defaults().withVtlnWarp(0.9).withVtlnLow(10)));
        assertMessage("vtln_high", () -> KaldiFbankOptions.defaults().withMel(MelBankOptions.defaults().withVtlnWarp(0.9).withVtlnHigh(8000)));
        assertMessage("energy_floor", () -> KaldiFbankOptions.defaults().withEnergyFloor(-1));
        assertMessage("inputScale", () -> KaldiFbankOptions.defaults().withInputScale(0));
        assertMessage("unknown Kaldi fbank option 'num_bins'", () -> KaldiOptionNames.parse("num_bins=80"));
        assertMessage("snip_edges", () -> KaldiOptionNames.parse("snip_edges=maybe"));
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention " + fragment);
    }

    @Test
    void optionNamesRoundTrip() {
        KaldiFbankOptions o = KaldiOptionNames.parse("num-mel-bins=80;snip_edges=false;window_type=hamming;use_energy=true;"
                + "htk_compat=true;low_freq=64;high_freq=-400;vtln_warp=1.1;dither=0.5;dither_seed=7;input_scale=32768");
        assertEquals(80, o.mel().numBins());
        assertFalse(o.frame().snipEdges());
        assertEquals(KaldiWindowType.HAMMING, o.frame().windowType());
        assertEquals(7600, o.mel().resolvedHighFreq(16000));
        assertEquals(o, KaldiOptionNames.parse(Map.copyOf(KaldiOptionNames.toMap(o))));
    }

    @Test
    void unitRangeInputIsInt16ScaleTimes32768() {
        float[] int16 = KaldiOnlineFbankTest.testSignal(4000, 11);
        float[] unit = new float[int16.length];
        for (int i = 0; i < unit.length; i++) unit[i] = int16[i] / 32768f;
        KaldiFbank fbank = KaldiFbank.withMelBins(80);
        float[][] expected = fbank.compute(int16);
        float[][] viaMethod = fbank.computeUnitRange(unit);
        float[][] viaOption = new KaldiFbank(fbank.options().withUnitRangeInput()).compute(unit);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], viaMethod[i], "frame " + i);
            assertArrayEquals(expected[i], viaOption[i], "frame " + i);
        }
        // unscaled [-1, 1] input is 90 dB quieter: the mistake the explicit methods exist to avoid
        assertTrue(fbank.compute(unit)[5][40] < expected[5][40] - 15);
    }

    @Test
    void ditherIsDeterministicPerSeedAndChangesWithIt() {
        float[] x = KaldiOnlineFbankTest.testSignal(8000, 2);
        FrameOptions dithered = FrameOptions.defaults().withDither(1.0).withDitherSeed(42);
        KaldiFbank a = new KaldiFbank(KaldiFbankOptions.defaults().withFrame(dithered));
        float[][] first = a.compute(x), again = a.compute(x);
        float[][] other = new KaldiFbank(KaldiFbankOptions.defaults().withFrame(dithered.withDitherSeed(43))).compute(x);
        float[][] none = KaldiFbank.withMelBins(23).compute(x);
        double maxSeedDiff = 0, maxDitherEffect = 0;
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], again[i], "same seed, same call sequence, frame " + i);
            for (int b = 0; b < 23; b++) {
                maxSeedDiff = Math.max(maxSeedDiff, Math.abs(first[i][b] - other[i][b]));
                maxDitherEffect = Math.max(maxDitherEffect, Math.abs(first[i][b] - none[i][b]));
            }
        }
        assertTrue(maxSeedDiff > 0, "another seed must give other noise");
        assertTrue(maxDitherEffect > 0 && maxDitherEffect < 0.5, "dither 1.0 on loud speech is a small change, got " + maxDitherEffect);
    }

    @Test
    void melBanksAreTrianglesThatPeakAtOneAndSkipNyquist() {
        KaldiMelBanks banks = new KaldiMelBanks(MelBankOptions.defaults().withNumBins(80), 512, 16000);
        float[][] dense = banks.dense(512);
        for (int b = 0; b < dense.length; b++) {
            float max = 0;
            for (float v : dense[b]) max = Math.max(max, v);
            // the lowest bins are narrower than the FFT spacing, so their sampled peak falls short of 1
            assertTrue(max > 0f && max <= 1f, "bin " + b + " peak " + max);
            if (b >= 40) assertTrue(max > 0.8f, "wide bin " + b + " peak " + max);
            assertEquals(0f, dense[b][256], "Nyquist bin carries no weight");
        }
        double[] centres = banks.centerFrequencies();
        for (int b = 1; b < centres.length; b++) assertTrue(centres[b] > centres[b - 1]);
    }
}
