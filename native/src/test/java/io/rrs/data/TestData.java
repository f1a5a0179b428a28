package io.rrs.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test helper: the repository's data folder, and whether espeak-ng and sox are installed. */
final class TestData {
    private TestData() {}

    static Path repoRoot() {
        String root = System.getProperty("rrs.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("data/rrs/harmful.json"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find data/rrs/harmful.json above the working directory; set -Drrs.root");
        return p;
    }

    static Path repoDataDir() {
        return repoRoot().resolve("data/rrs");
    }

    static boolean ttsInstalled() {
        for (String exe : new String[] {"espeak-ng", "sox"}) {
            try {
                Process p = new ProcessBuilder(exe, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) return false;
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }
}
