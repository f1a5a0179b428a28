package io.rrs.frontend;

/**
 * All options of {@code torchaudio.compliance.kaldi.fbank} (Kaldi's compute-fbank-feats), grouped
 * like kaldi-native-fbank: frame options, mel options, and the fbank-level switches below, with
 * torchaudio's defaults ({@link #defaults()}). {@code channel} and {@code min_duration} are not
 * options here: input is one mono channel and callers decide what is too short.
 *
 * <p>Input scale: like Kaldi, samples are expected in the int16 range ([-32768, 32767]). Energies,
 * {@code energy_floor} and {@code dither} are in that scale. For samples in [-1, 1] use
 * {@link #withUnitRangeInput()}, which multiplies every sample by 32768 before anything else
 * (a power of two, so the scaling is exact).
 *
 * @param frame        framing and per-frame processing
 * @param mel          the mel filterbank (including VTLN)
 * @param useEnergy    add the log frame energy as an extra column (first, or last with htkCompat; default false)
 * @param energyFloor  floor on the energy (not its log); 0 disables it (default 1.0, torchaudio's)
 * @param rawEnergy    energy before preemphasis and windowing (default true)
 * @param htkCompat    put the energy column last instead of first (default false)
 * @param useLogFbank  natural log of the bank energies, floored at float epsilon (default true)
 * @param usePower     power spectrum, else magnitude (default true)
 * @param subtractMean subtract each column's mean over the whole signal (default false; one-shot only)
 * @param inputScale   factor applied to every input sample: 1 for int16-scaled input (default),
 *                     {@link #INT16_FROM_UNIT_RANGE} for input in [-1, 1]
 */
public record KaldiFbankOptions(
        FrameOptions frame,
        MelBankOptions mel,
        boolean useEnergy,
        double energyFloor,
        boolean rawEnergy,
        boolean htkCompat,
        boolean useLogFbank,
        boolean usePower,
        boolean subtractMean,
        float inputScale) {

    /** Multiplier that maps samples in [-1, 1] onto Kaldi's int16 scale. */
    public static final float INT16_FROM_UNIT_RANGE = 32768f;

    public KaldiFbankOptions {
        if (frame == null) throw new IllegalArgumentException("frame options must not be null; use FrameOptions.defaults()");
        if (mel == null) throw new IllegalArgumentException("mel options must not be null; use MelBankOptions.defaults()");
        if (!(energyFloor >= 0) || Double.isInfinite(energyFloor))
            throw new IllegalArgumentException("energy_floor must be >= 0 (0 disables the floor), got " + energyFloor);
        if (!(inputScale > 0) || Float.isInfinite(inputScale))
            throw new IllegalArgumentException("inputScale must be a positive finite factor (1 for int16-scaled input, 32768 for [-1, 1]), got " + inputScale);
        mel.validateFor(frame.sampleFrequency());
    }

    /** torchaudio.compliance.kaldi.fbank's defaults (23 bins, povey window, energy_floor 1, dither 0). */
    public static KaldiFbankOptions defaults() {
        return new KaldiFbankOptions(FrameOptions.defaults(), MelBankOptions.defaults(), false, 1.0, true, false, true, true, false, 1f);
    }

    /** Values per frame: the mel bins plus one when {@link #useEnergy}. */
    public int numOutputColumns() { return mel.numBins() + (useEnergy ? 1 : 0); }

    /** The same options for samples in [-1, 1] (scales input by 32768). */
    public KaldiFbankOptions withUnitRangeInput() { return withInputScale(INT16_FROM_UNIT_RANGE); }

    /** Shortcut for {@code withMel(mel().withNumBins(n))}. */
    public KaldiFbankOptions withNumMelBins(int n) { return withMel(mel.withNumBins(n)); }

    public KaldiFbankOptions withFrame(FrameOptions v) { return new KaldiFbankOptions(v, mel, useEnergy, energyFloor, rawEnergy, htkCompat, useLogFbank, usePower, subtractMean, inputScale); }
    public KaldiFbankOptions withMel(MelBankOptions v) { return new KaldiFbankOptions(frame, v, useEnergy, energyFloor, rawEnergy, htkCompat, useLogFbank, usePower, subtractMean, inputScale); }
    public KaldiFbankOptions withUseEnergy(boolean v) { return new KaldiFbankOptions(frame, mel, v, energyFloor, rawEnergy, htkCompat, useLogFbank, usePower, subtractMean, inputScale); }
    public KaldiFbankOptions withEnergyFloor(double v) { return new KaldiFbankOptions(frame, mel, useEnergy, v, rawEnergy, htkCompat, useLogFbank, usePower, subtractMean, inputScale); }
    public KaldiFbankOptions withRawEnergy(boolean v) { return new KaldiFbankOptions(frame, mel, useEnergy, energyFloor, v, htkCompat, useLogFbank, usePower, subtractMean, inputScale); }
    public KaldiFbankOptions withHtkCompat(boolean v) { return new KaldiFbankOptions(frame, mel, useEnergy, energyFloor, rawEnergy, v, useLogFbank, usePower, subtractMean, inputScale); }
    public KaldiFbankOptions withUseLogFbank(boolean v) { return new KaldiFbankOptions(frame, mel, useEnergy, energyFloor, rawEnergy, htkCompat, v, usePower, subtractMean, inputScale); }
    public KaldiFbankOptions withUsePower(boolean v) { return new KaldiFbankOptions(frame, mel, useEnergy, energyFloor, rawEnergy, htkCompat, useLogFbank, v, subtractMean, inputScale); }
    public KaldiFbankOptions withSubtractMean(boolean v) { return new KaldiFbankOptions(frame, mel, useEnergy, energyFloor, rawEnergy, htkCompat, useLogFbank, usePower, v, inputScale); }
    public KaldiFbankOptions withInputScale(float v) { return new KaldiFbankOptions(frame, mel, useEnergy, energyFloor, rawEnergy, htkCompat, useLogFbank, usePower, subtractMean, v); }
}
