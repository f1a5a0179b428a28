package io.rrs.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent Python reference with Debian's interpreter ({@code /usr/bin/python3},
 * or the {@code rrs.python} property), which carries python3-torch; tests skip when torch is not
 * importable (CI installs it).
 */
final class PythonRunner {
    private static Boolean available;

    private PythonRunner() {}

    static String python() {
        return System.getProperty("rrs.python", "/usr/bin/python3");
    }

    static synchronized boolean torchAvailable() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(python(), "-c", "import torch, numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }

    /** The reference script in native/src/test/python. */
    static Path script(String name) {
        String root = System.getProperty("rrs.root");
        Path base = root != null ? Path.of(root, "native") : Path.of("").toAbsolutePath();
        Path p = base.resolve("src/test/python").resolve(name);
        if (!Files.exists(p)) p = Path.of("").toAbsolutePath().resolve("src/test/python").resolve(name);
        return p;
    }

    static String run(Path script, String... args) throws IOException, InterruptedException {
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
}
