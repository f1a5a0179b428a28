package io.rrs.frontend;

import java.util.Locale;

/** The analysis windows of Kaldi's feature extraction (names as in Kaldi and torchaudio). */
public enum KaldiWindowType {
    /** Hann window raised to the power 0.85 (Kaldi's default): like Hann but reaches zero at the edges. */
    POVEY,
    HAMMING,
    HANNING,
    RECTANGULAR,
    /** Generalised Blackman window with {@code blackman_coeff} (0.42 gives the classic one). */
    BLACKMAN;

    /** Parses Kaldi's option value ("povey", "hamming", ...), case-insensitively. */
    public static KaldiWindowType fromKaldiName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("window_type: unknown window '" + name
                    + "'; use one of povey, hamming, hanning, rectangular, blackman");
        }
    }

    public String kaldiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
