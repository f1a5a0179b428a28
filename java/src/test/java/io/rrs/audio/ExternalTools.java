package io.rrs.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs sox and espeak-ng from tests; tests that need them skip (JUnit assumptions) where they are missing. */
final class ExternalTools {
    private static final Map<String, Boolean> AVAILABLE = new HashMap<>();

    private ExternalTools() {}

    /** True when {@code command --version} (or {@code --help}) runs. */
    static synchronized boolean has(String command) {
        return AVAILABLE.computeIfAbsent(command, c -> {
            try {
                Process p = new ProcessBuilder(c, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
    }

    /** Runs a command, returns its stdout, and fails with its stderr when it exits non-zero. */
    static byte[] run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) {
            throw new IOException("failed (" + p.exitValue() + "): " + String.join(" ", command) + "\n"
                    + new String(err.join(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** sox's own decode of a file: interleaved float32 samples, and the channel count from soxi. */
    static float[] soxDecodeMono(Path wav) throws IOException, InterruptedException {
        int channels = Integer.parseInt(new String(run("soxi", "-c", wav.toString()), StandardCharsets.US_ASCII).trim());
        byte[] raw = run("sox", wav.toString(), "-t", "f32", "-e", "floating-point", "-");
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] mono = new float[raw.length / 4 / channels];
        for (int f = 0; f < mono.length; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) sum += b.getFloat();
            mono[f] = (float) (sum / channels);
        }
        return mono;
    }

    static List<String> list(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
