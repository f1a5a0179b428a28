package io.rrs.data.speech;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Scope: SVOX Pico through {@code pico2wave} (Apache-2.0; its language data non-free; 16 kHz). The text is
 * an argument (pico2wave reads no stdin), so it is wrapped in Pico's speed and pitch markup, which
 * also keeps a leading '-' from reading as an option; markup characters in the text are dropped.
 * Held out for test: an HMM engine with its own text front end.
 */
public final class PicoEngine extends ProgramEngine {
    public static final List<String> VOICES = List.of("en-US", "en-GB");

    public PicoEngine(String program) {
        super(program, "pico", VOICES, "libttspico-utils", true, true,
                "Apache-2.0 (SVOX Pico program); the language data is redistributable but without source (non-free)");
    }

    @Override
    void speak(String text, String voice, int ratePercent, int pitchPercent, Path dir, Path wav) throws IOException, InterruptedException {
        String clean = text.replace('<', ' ').replace('>', ' ');
        String marked = "<speed level=\"" + ratePercent + "\"><pitch level=\"" + pitchPercent + "\">" + clean + "</pitch></speed>";
        run(List.of(program, "-l", voice, "-w", wav.toString(), marked), null, voice);
    }
}
