package io.rrs.data.speech;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Scope: flite (CMU Flite, BSD-style licence, voices built in; 16 kHz). Rate through its
 * duration stretch; pitch is left to the voice (its target mean differs per voice and is not
 * exposed portably). flite speaks an unknown voice name in its default voice, so the voice is
 * looked up in {@code flite -lv} first.
 */
public final class FliteEngine extends ProgramEngine {
    public static final List<String> VOICES = List.of("kal16", "awb", "rms", "slt");

    public FliteEngine(String program) {
        super(program, "flite", VOICES, "flite", false, false, "BSD-style (CMU Flite and its built-in voices; a few build files GPL)");
    }

    @Override
    void checkVoiceInstalled(String voice) throws EngineMissingException, InterruptedException {
        String listed;
        try {
            listed = run(List.of(program, "-lv"), null, voice);
        } catch (EngineMissingException e) {
            throw e;
        } catch (IOException e) {
            throw missing("flite at '" + program + "' does not run (" + e.getMessage().strip() + ")", voice, e);
        }
        if (!List.of(listed.replace("Voices available:", "").strip().split("\\s+")).contains(voice)) {
            throw missing("flite at '" + program + "' has no voice '" + voice + "' (it lists: " + listed.strip() + ")", voice, null);
        }
    }

    @Override
    void speak(String text, String voice, int ratePercent, int pitchPercent, Path dir, Path wav) throws IOException, InterruptedException {
        Path txt = dir.resolve("text.txt");
        Files.writeString(txt, text);
        run(List.of(program, "-voice", voice, "--setf", "duration_stretch=" + f(100.0 / ratePercent), "-f", txt.toString(), "-o", wav.toString()),
                null, voice);
    }
}
