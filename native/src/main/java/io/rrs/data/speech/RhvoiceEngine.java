package io.rrs.data.speech;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Scope: RHVoice through {@code RHVoice-test} (LGPL-2.1+, the English voices alan, bdl, clb, slt
 * too; 24 kHz, resampled). RHVoice-test speaks an unknown profile in a
 * default voice, so the voice's data folder is checked first. Held out for test: an HMM engine
 * with its own text front end.
 */
public final class RhvoiceEngine extends ProgramEngine {
    public static final List<String> VOICES = List.of("alan", "bdl", "clb", "slt");
    private final Path voiceDir;

    /** {@code voiceDir}: where the voices' data lives (Debian: /usr/share/RHVoice/voices). */
    public RhvoiceEngine(String program, Path voiceDir) {
        super(program, "rhvoice", VOICES, "rhvoice rhvoice-english", true, true,
                "LGPL-2.1-or-later (engine and the English voices alan, bdl, clb, slt; packaged in non-free)");
        this.voiceDir = voiceDir;
    }

    public static RhvoiceEngine debian(String program) {
        return new RhvoiceEngine(program, Path.of("/usr/share/RHVoice/voices"));
    }

    @Override
    void checkVoiceInstalled(String voice) throws EngineMissingException {
        if (!Files.isDirectory(voiceDir.resolve(voice))) {
            throw missing("RHVoice voice '" + voice + "' is not installed (no " + voiceDir.resolve(voice) + ")", voice, null);
        }
    }

    @Override
    void speak(String text, String voice, int ratePercent, int pitchPercent, Path dir, Path wav) throws IOException, InterruptedException {
        checkVoiceInstalled(voice);
        // RHVoice-test takes rate and pitch as percent of the voice's own, as this interface does.
        run(List.of(program, "-p", voice, "-r", Integer.toString(ratePercent), "-t", Integer.toString(pitchPercent), "-o", wav.toString()),
                text, voice);
    }
}
