package io.rrs.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent Python reference with Debian's interpreter ({@code /usr/bin/python3},
 * or the {@code rrs.python} property), which carries python3-torch (and python3-onnx); tests skip when
 * what they import is missing (CI installs it).
 */
public final class PythonRunner {
    private static final Map<String, Boolean> importable = new HashMap<>();

    private PythonRunner() {}

    public static String python() {
        return System.getProperty("rrs.python", "/usr/bin/python3");
    }

    public static boolean torchAvailable() {
        return canImport("torch, numpy");
    }

    /** True when the interpreter runs {@code import MODULES} (e.g. "torch, numpy, onnx"). */
    public static synchronized boolean canImport(String modules) {
        return importable.computeIfAbsent(modules, m -> {
            try {
                Process p = new ProcessBuilder(python(), "-c", "import " + m).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** The reference script in native/src/test/python. */
    public static Path script(String name) {
        String root = System.getProperty("rrs.root");
        Path base = root != null ? Path.of(root, "native") : Path.of("").toAbsolutePath();
        Path p = base.resolve("src/test/python").resolve(name);
        if (!Files.exists(p)) p = Path.of("").toAbsolutePath().resolve("src/test/python").resolve(name);
        return p;
    }

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
}
