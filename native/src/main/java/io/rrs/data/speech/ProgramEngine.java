package io.rrs.data.speech;

import io.rrs.audio.Audio;
import io.rrs.audio.Resampler;
import io.rrs.audio.WavDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scope: what every command-line synthesiser shares: run the program in a private temporary
 * folder (text through a file or stdin, never as an argument that could read as an option), read
 * the WAV it wrote, resample it to 16 kHz with {@link Resampler}, and turn a missing program or
 * voice into an {@link EngineMissingException} that names the Debian packages.
 */
abstract class ProgramEngine implements SpeechEngine {
    private static final long TIMEOUT_S = 120;
    /** Spoken by {@link #checkAvailable}: short, so the check costs little. */
    static final String PROBE_TEXT = "Testing one two.";

    protected final String program;
    private final String name;
    private final List<String> voices;
    private final String packages;
    private final boolean variesPitch;
    private final boolean outsideMain;
    private final String licence;

    /**
     * {@code packages}: the Debian packages for every voice (an engine whose voices come in
     * separate packages overrides {@link #debianPackages}); {@code outsideMain}: some of them are
     * in contrib or non-free.
     */
    ProgramEngine(String program, String name, List<String> voices, String packages, boolean variesPitch, boolean outsideMain, String licence) {
        if (program == null || program.isBlank()) throw new IllegalArgumentException(name + ": the program must be named");
        this.program = program;
        this.name = name;
        this.voices = List.copyOf(voices);
        this.packages = packages;
        this.variesPitch = variesPitch;
        this.outsideMain = outsideMain;
        this.licence = licence;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String licence() {
        return licence;
    }

    @Override
    public List<String> voices() {
        return voices;
    }

    @Override
    public String debianPackages(String voice) {
        return packages;
    }

    @Override
    public boolean variesPitch() {
        return variesPitch;
    }

    /** Writes the speech of {@code text} into {@code wav}, using {@code dir} for any other file. */
    abstract void speak(String text, String voice, int ratePercent, int pitchPercent, Path dir, Path wav)
            throws IOException, InterruptedException;

    /** Hook for engines whose program falls back to a default voice instead of failing on an unknown one. */
    void checkVoiceInstalled(String voice) throws EngineMissingException, InterruptedException {}

    @Override
    public void checkAvailable(String voice) throws EngineMissingException, InterruptedException {
        checkVoiceInstalled(voice);
        try {
            synthesize(PROBE_TEXT, voice, 100, 100);
        } catch (EngineMissingException e) {
            throw e;
        } catch (IOException e) {
            throw missing(name() + " could not speak voice '" + voice + "' (" + e.getMessage().strip() + ")", voice, e);
        }
    }

    @Override
    public Audio synthesize(String text, String voice, int ratePercent, int pitchPercent) throws IOException, InterruptedException {
        if (text == null || text.isBlank()) throw new IllegalArgumentException(name() + ": nothing to speak");
        if (!voices().contains(voice)) throw new IllegalArgumentException(name() + " has no voice '" + voice + "'; it has " + voices());
        if (ratePercent < 50 || ratePercent > 200) throw new IllegalArgumentException(name() + ": rate " + ratePercent + "% is outside 50..200");
        if (pitchPercent != 100 && !variesPitch()) throw new IllegalArgumentException(name() + " does not vary pitch; use 100, got " + pitchPercent);
        if (pitchPercent < 50 || pitchPercent > 200) throw new IllegalArgumentException(name() + ": pitch " + pitchPercent + "% is outside 50..200");
        Path dir = Files.createTempDirectory("rrs-" + name() + "-");
        try {
            Path wav = dir.resolve("speech.wav");
            speak(text, voice, ratePercent, pitchPercent, dir, wav);
            if (!Files.isRegularFile(wav) || Files.size(wav) <= 44) {
                throw new IOException(name() + " wrote no audio for voice '" + voice + "'");
            }
            Audio audio = WavDecoder.decode(wav);
            return audio.sampleRate() == SAMPLE_RATE ? audio : Resampler.of(audio.sampleRate(), SAMPLE_RATE).resample(audio);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Runs {@code cmd}, feeding {@code stdin} when not null; returns its output; fails on a non-zero exit. */
    String run(List<String> cmd, String stdin, String voice) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw missing(name() + " not found (tried '" + cmd.get(0) + "')", voice, e);
        }
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(name() + " timed out after " + TIMEOUT_S + " s: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException(name() + " failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + output.strip());
        }
        return output;
    }

    /** The exception for a missing program or voice, with the install line. */
    EngineMissingException missing(String what, String voice, Throwable cause) {
        return new EngineMissingException(what + "; install it with 'sudo apt-get install " + debianPackages(voice) + "' (Debian/Ubuntu"
                + (outsideMain ? "; the packages are in contrib/non-free: add those components to the apt sources and run 'sudo apt-get update'" : "")
                + ")", cause);
    }

    static String f(double x) {
        return String.format(java.util.Locale.ROOT, "%.3f", x);
    }
}
