package io.rrs.data.speech;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Scope: espeak-ng (formant synthesis, GPL-3.0+; 22.05 kHz, resampled) and, through it, the
 * MBROLA diphone voices (voice names {@code mb-*}; 16 kHz; their licence keeps their audio out of
 * the repository). espeak-ng's normal rate is 175 words per minute and
 * its normal pitch 50 (of 0..99), which 100% maps to.
 */
public final class EspeakEngine extends ProgramEngine {
    static final int NORMAL_WPM = 175;
    static final int NORMAL_PITCH = 50;

    /** The espeak-ng voices and variants the corpus uses (the klatt variants are the most intelligible). */
    public static final List<String> ESPEAK_VOICES = List.of("en-us", "en-gb", "en-us+klatt", "en-us+klatt2", "en-us+klatt3",
            "en-gb+klatt4", "en-us+klatt6", "en-gb-scotland+klatt2", "en-us+f3", "en-gb-x-rp+m3");
    /** The English MBROLA voices Debian packages (contrib/non-free). */
    public static final List<String> MBROLA_VOICES = List.of("mb-us1", "mb-us2", "mb-us3", "mb-en1");

    private final boolean mbrola;

    private EspeakEngine(String program, boolean mbrola) {
        super(program, mbrola ? "mbrola" : "espeak-ng", mbrola ? MBROLA_VOICES : ESPEAK_VOICES, "espeak-ng", true, mbrola, mbrola
                ? "espeak-ng GPL-3.0+, mbrola AGPL-3.0 (contrib); the voice databases (non-free) may be used only with the MBROLA "
                        + "program and not sold or put into a product that is sold: no audio made with them is committed"
                : "GPL-3.0-or-later (program and voice data)");
        this.mbrola = mbrola;
    }

    /** espeak-ng's own voices. */
    public static EspeakEngine espeak(String program) {
        return new EspeakEngine(program, false);
    }

    /** MBROLA voices, spoken through espeak-ng. */
    public static EspeakEngine mbrola(String program) {
        return new EspeakEngine(program, true);
    }

    @Override
    public String debianPackages(String voice) {
        return mbrola ? "espeak-ng mbrola mbrola-" + voice.substring("mb-".length()) : "espeak-ng";
    }

    @Override
    void speak(String text, String voice, int ratePercent, int pitchPercent, Path dir, Path wav) throws IOException, InterruptedException {
        int wpm = Math.round(NORMAL_WPM * ratePercent / 100f);
        int pitch = Math.min(99, Math.round(NORMAL_PITCH * pitchPercent / 100f));
        // --stdin: a text starting with '-' is never read as an option.
        run(List.of(program, "-v", voice, "-s", Integer.toString(wpm), "-p", Integer.toString(pitch), "-w", wav.toString(), "--stdin"),
                text, voice);
    }
}
