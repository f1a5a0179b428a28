package io.rrs.frontend;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Kaldi fbank options by their torchaudio / Kaldi names ({@code num_mel_bins}, {@code snip_edges}, ...),
 * for manifests and command lines. Dashes are accepted in place of underscores (Kaldi's
 * {@code --num-mel-bins}). Unknown names are errors, so a typo never passes silently.
 */
public final class KaldiOptionNames {
    private KaldiOptionNames() {}

    /** Options from name/value pairs; names not given keep torchaudio's defaults. */
    public static KaldiFbankOptions parse(Map<String, String> values) {
        KaldiFbankOptions o = KaldiFbankOptions.defaults();
        FrameOptions f = o.frame();
        MelBankOptions m = o.mel();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey().trim().replace('-', '_').toLowerCase(Locale.ROOT);
            String v = e.getValue().trim();
            switch (key) {
                case "sample_frequency" -> f = f.withSampleFrequency(num(key, v));
                case "frame_shift" -> f = f.withFrameShiftMs(num(key, v));
                case "frame_length" -> f = f.withFrameLengthMs(num(key, v));
                case "dither" -> f = f.withDither(num(key, v));
                case "dither_seed" -> f = f.withDitherSeed(Long.parseLong(v));
                case "preemphasis_coefficient" -> f = f.withPreemphasisCoefficient(num(key, v));
                case "remove_dc_offset" -> f = f.withRemoveDcOffset(bool(key, v));
                case "window_type" -> f = f.withWindowType(KaldiWindowType.fromKaldiName(v));
                case "blackman_coeff" -> f = f.withBlackmanCoeff(num(key, v));
                case "round_to_power_of_two" -> f = f.withRoundToPowerOfTwo(bool(key, v));
                case "snip_edges" -> f = f.withSnipEdges(bool(key, v));
                case "num_mel_bins" -> m = m.withNumBins((int) num(key, v));
                case "low_freq" -> m = m.withLowFreq(num(key, v));
                case "high_freq" -> m = m.withHighFreq(num(key, v));
                case "vtln_low" -> m = m.withVtlnLow(num(key, v));
                case "vtln_high" -> m = m.withVtlnHigh(num(key, v));
                case "vtln_warp" -> m = m.withVtlnWarp(num(key, v));
                case "use_energy" -> o = o.withUseEnergy(bool(key, v));
                case "energy_floor" -> o = o.withEnergyFloor(num(key, v));
                case "raw_energy" -> o = o.withRawEnergy(bool(key, v));
                case "htk_compat" -> o = o.withHtkCompat(bool(key, v));
                case "use_log_fbank" -> o = o.withUseLogFbank(bool(key, v));
                case "use_power" -> o = o.withUsePower(bool(key, v));
                case "subtract_mean" -> o = o.withSubtractMean(bool(key, v));
                case "input_scale" -> o = o.withInputScale((float) num(key, v));
                default -> throw new IllegalArgumentException("unknown Kaldi fbank option '" + e.getKey()
                        + "'; known: " + String.join(", ", toMap(KaldiFbankOptions.defaults()).keySet()));
            }
        }
        // mel options are validated against the sample rate only once both are final
        return new KaldiFbankOptions(f, m, o.useEnergy(), o.energyFloor(), o.rawEnergy(), o.htkCompat(), o.useLogFbank(),
                o.usePower(), o.subtractMean(), o.inputScale());
    }

    /** Parses "k=v;k=v" (the test manifests' form); an empty string gives the defaults. */
    public static KaldiFbankOptions parse(String semicolonSeparated) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : semicolonSeparated.split(";")) {
            if (part.isBlank()) continue;
            int eq = part.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("option '" + part + "' has no '='; write name=value");
            values.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return parse(values);
    }

    /** The options under their torchaudio names (values as strings), e.g. for a manifest. */
    public static Map<String, String> toMap(KaldiFbankOptions o) {
        FrameOptions f = o.frame();
        MelBankOptions m = o.mel();
        Map<String, String> map = new LinkedHashMap<>();
        map.put("sample_frequency", str(f.sampleFrequency()));
        map.put("frame_shift", str(f.frameShiftMs()));
        map.put("frame_length", str(f.frameLengthMs()));
        map.put("dither", str(f.dither()));
        map.put("dither_seed", Long.toString(f.ditherSeed()));
        map.put("preemphasis_coefficient", str(f.preemphasisCoefficient()));
        map.put("remove_dc_offset", Boolean.toString(f.removeDcOffset()));
        map.put("window_type", f.windowType().kaldiName());
        map.put("blackman_coeff", str(f.blackmanCoeff()));
        map.put("round_to_power_of_two", Boolean.toString(f.roundToPowerOfTwo()));
        map.put("snip_edges", Boolean.toString(f.snipEdges()));
        map.put("num_mel_bins", Integer.toString(m.numBins()));
        map.put("low_freq", str(m.lowFreq()));
        map.put("high_freq", str(m.highFreq()));
        map.put("vtln_low", str(m.vtlnLow()));
        map.put("vtln_high", str(m.vtlnHigh()));
        map.put("vtln_warp", str(m.vtlnWarp()));
        map.put("use_energy", Boolean.toString(o.useEnergy()));
        map.put("energy_floor", str(o.energyFloor()));
        map.put("raw_energy", Boolean.toString(o.rawEnergy()));
        map.put("htk_compat", Boolean.toString(o.htkCompat()));
        map.put("use_log_fbank", Boolean.toString(o.useLogFbank()));
        map.put("use_power", Boolean.toString(o.usePower()));
        map.put("subtract_mean", Boolean.toString(o.subtractMean()));
        map.put("input_scale", str(o.inputScale()));
        return map;
    }

    private static String str(double v) { return Double.toString(v); }

    private static double num(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
        }
    }

    private static boolean bool(String key, String v) {
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(key + ": '" + v + "' is not true or false");
    }
}
