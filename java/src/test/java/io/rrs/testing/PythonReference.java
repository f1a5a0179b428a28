package io.rrs.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent Python references (Debian's python3-torch / python3-torchaudio) from tests.
 * The interpreter is {@code /usr/bin/python3} unless the system property {@code rrs.python} names
 * another, because a user-level python on PATH usually lacks Debian's torch.
 */
public final class PythonReference {
    private static Boolean available;

    private PythonReference() {}

    public static String python() {
        return System.getProperty("rrs.python", "/usr/bin/python3");
    }

    /** True when the interpreter imports torch and torchaudio (CI installs them). */
    public static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(python(), "-c", "import torch, torchaudio, numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }

    /** Runs a script with arguments; fails with the script's output when it exits non-zero. */
    public static String run(Path script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python(), script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        if (p.exitValue() != 0) throw new IOException("reference script failed (" + p.exitValue() + "): " + cmd + "\n" + out);
        return out;
    }

    /** The repository root (set by the build as rrs.root), for locating scripts and data. */
    public static Path repoRoot() {
        String root = System.getProperty("rrs.root");
        if (root != null) return Path.of(root);
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(".ci/run"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root; set -Drrs.root");
        return p;
    }
}
