package io.rrs.cli;

import java.nio.file.Path;

/**
 * Where relative paths on the command line point: the repository root (system property {@code rrs.root}, which
 * the {@code ./rrs} launcher sets, so {@code ./rrs demo} works from any directory), or the working directory
 * without it. One rule for every subcommand.
 */
public final class RepoPaths {
    private RepoPaths() {}

    /** The repository root, absolute. */
    public static Path root() {
        String r = System.getProperty("rrs.root");
        return (r == null || r.isBlank() ? Path.of("") : Path.of(r)).toAbsolutePath().normalize();
    }

    /** {@code p} against {@link #root()} when relative; absolute paths and null pass through. */
    public static Path resolve(Path p) {
        return p == null || p.isAbsolute() ? p : root().resolve(p).normalize();
    }
}
