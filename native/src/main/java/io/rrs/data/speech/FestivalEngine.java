package io.rrs.data.speech;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scope: festival's {@code text2wave} (festival: X11-style free licence; the voices as their
 * packages state). Diphone voices kal and ked (16 kHz) and the HTS voice slt (32 kHz, resampled).
 * Rate through Duration_Stretch (HTS: hts_engine's speed ratio); pitch is left to the voice. text2wave exits 0 after a Scheme
 * error (an unknown voice), so its output is checked for one.
 */
public final class FestivalEngine extends ProgramEngine {
    private static final Map<String, String> PACKAGES = Map.of("kal_diphone", "festvox-kallpc16k", "ked_diphone", "festvox-kdlpc16k",
            "cmu_us_slt_arctic_hts", "festvox-us-slt-hts");
    public static final List<String> VOICES = List.of("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts");

    public FestivalEngine(String program) {
        super(program, "festival", VOICES, "festival", false, false, "festival X11-style free licence; kal and ked diphone voices free to use "
                + "and distribute with the copyright notice kept; slt HTS voice BSD-3-clause and EST licences (CMU ARCTIC)");
    }

    @Override
    public String debianPackages(String voice) {
        return "festival " + PACKAGES.getOrDefault(voice, "festvox-kallpc16k");
    }

    @Override
    void speak(String text, String voice, int ratePercent, int pitchPercent, Path dir, Path wav) throws IOException, InterruptedException {
        Path txt = dir.resolve("text.txt");
        Files.writeString(txt, text);
        // Diphone voices stretch durations; the HTS voice ignores that and takes hts_engine's speed ratio (-r).
        String speed = voice.endsWith("_hts")
                ? "(set! hts_engine_params (cons (list \"-r\" " + f(ratePercent / 100.0) + ") hts_engine_params))"
                : "(Parameter.set 'Duration_Stretch " + f(100.0 / ratePercent) + ")";
        String setup = "(begin (voice_" + voice + ") " + speed + ")";
        String out = run(List.of(program, "-eval", setup, "-o", wav.toString(), txt.toString()), null, voice);
        if (out.contains("SIOD ERROR")) {
            throw missing("festival has no voice '" + voice + "' (" + out.strip() + ")", voice, null);
        }
    }
}
