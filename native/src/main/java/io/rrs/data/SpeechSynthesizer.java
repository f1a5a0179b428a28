package io.rrs.data;

import io.rrs.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scope: speaks one text into a 16 kHz mono 16-bit WAV with espeak-ng (which writes 22.05 kHz)
 * and sox (which resamples). Files appear atomically (temporary name, then rename), so a WAV at
 * its final name is always complete, which is what resuming relies on.
 *
 * <p>The sox step is the one to replace with the runtime's io.rrs.audio resampler once that
 * lands (read espeak-ng's WAV, resample in Java, write 16-bit PCM), which drops the sox dependency.
 */
public final class SpeechSynthesizer {

    /** The executables: names looked up on PATH, or paths. */
    public record Tools(String espeak, String sox) {
        public Tools {
            if (espeak == null || espeak.isBlank()) throw new IllegalArgumentException("espeak-ng executable must be named");
            if (sox == null || sox.isBlank()) throw new IllegalArgumentException("sox executable must be named");
        }

        public static Tools defaults() {
            return new Tools("espeak-ng", "sox");
        }
    }

    /** A tool is missing or broken; the message says how to install it. */
    public static final class ToolMissingException extends IOException {
        public ToolMissingException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final String INSTALL_HINT = "install it with 'sudo apt-get install espeak-ng sox' (Debian/Ubuntu), "
            + "'sudo dnf install espeak-ng sox' (Fedora) or 'brew install espeak-ng sox' (macOS), "
            + "or name the executable with --espeak / --sox";

    private static final long TIMEOUT_S = 120;
    private final Tools tools;

    public SpeechSynthesizer(Tools tools) {
        this.tools = tools;
    }

    /** Fails with install instructions unless both tools run; returns their version lines. */
    public String checkAvailable() throws ToolMissingException {
        return firstLine(probe(tools.espeak(), "espeak-ng", "--version")) + "; " + firstLine(probe(tools.sox(), "sox", "--version"));
    }

    private static String probe(String exe, String name, String arg) throws ToolMissingException {
        try {
            Process p = new ProcessBuilder(exe, arg).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new ToolMissingException(name + " at '" + exe + "' does not run ('" + arg + "' failed: " + out.strip() + "); " + INSTALL_HINT, null);
            }
            return out;
        } catch (IOException e) {
            if (e instanceof ToolMissingException t) throw t;
            throw new ToolMissingException(name + " not found (tried '" + exe + "'): the spoken dataset needs it; " + INSTALL_HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolMissingException("interrupted while checking " + name, e);
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /**
     * Speaks {@code text} with {@code voice} at {@code rate} words per minute into {@code out}
     * (16 kHz mono 16-bit PCM) and returns its header.
     */
    public WavHeader synthesize(String text, String voice, int rate, Path out) throws IOException, InterruptedException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String base = out.getFileName().toString();
        Path raw = dir.resolve(base + ".22k.tmp");
        try (AtomicFiles.Pending resampled = AtomicFiles.begin(out)) {
            // The text goes through stdin, so a prompt starting with '-' is never read as an option.
            run(List.of(tools.espeak(), "-v", voice, "-s", Integer.toString(rate), "-w", raw.toString(), "--stdin"), text, "espeak-ng");
            // -D: no dither, so the same input always gives the same bytes.
            run(List.of(tools.sox(), "-D", raw.toString(), "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "wav",
                    resampled.path().toString()), null, "sox");
            WavHeader header = WavHeader.read(resampled.path());
            if (!header.isDatasetFormat() || header.dataBytes() == 0) {
                throw new IOException("sox wrote " + header + " for \"" + text + "\", expected non-empty 16 kHz mono 16-bit PCM");
            }
            resampled.commit();
            return header;
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static void run(List<String> cmd, String stdin, String name) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new ToolMissingException(name + " not found (tried '" + cmd.get(0) + "'); " + INSTALL_HINT, e);
        }
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(name + " timed out after " + TIMEOUT_S + " s: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException(name + " failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + output.strip()
                    + (name.equals("espeak-ng") ? "\n(list the installed voices with 'espeak-ng --voices')" : ""));
        }
    }
}
