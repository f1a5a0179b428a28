package io.rrs.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Scope: writing a file or a directory so that a reader (or a kill at any moment) sees either the old
 * content or the complete new one, never part of it; and the SHA-256 that every manifest records.
 *
 * <p>A file is written under a temporary name beside its target ({@value #TEMP_PREFIX}NAME-..., in the
 * same directory, so the rename stays on one file system), forced to disk, renamed over the target
 * atomically, and the directory is forced so the rename survives a crash. A writer that throws leaves
 * the target as it was and no temporary file behind. A directory is built in a temporary directory
 * beside it the same way; an existing target is swapped out by rename and deleted afterwards.
 */
public final class AtomicFiles {
    /** The prefix of every temporary file and directory (hidden, so listings of the target's folder pass over it). */
    public static final String TEMP_PREFIX = ".tmp-";

    /** Fills the temporary file (or directory) that will become the target. */
    @FunctionalInterface
    public interface PathWriter {
        void writeTo(Path tmp) throws IOException;
    }

    /** Writes the new content to a (buffered) stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A temporary file that becomes {@code target} on {@link #commit}; {@link #close} without a commit
     * deletes it. For a writer that cannot be one callback (it opens the file lazily, on the first byte).
     */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private Path tmp;

        private Pending(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        /** The temporary file to write (it exists, empty). */
        public Path path() {
            if (tmp == null) throw new IllegalStateException(target + " is already committed");
            return tmp;
        }

        /** Forces the temporary file to disk and renames it over the target. */
        public void commit() throws IOException {
            Path t = path();
            fsync(t);
            Files.move(t, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            fsync(target.toAbsolutePath().getParent());
        }

        @Override
        public void close() throws IOException {
            if (tmp != null) Files.deleteIfExists(tmp);
            tmp = null;
        }
    }

    private AtomicFiles() {}

    /** A temporary file beside {@code target} (its folder is created when missing). */
    public static Pending begin(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return new Pending(target, Files.createTempFile(parent, TEMP_PREFIX + target.getFileName() + "-", ""));
    }

    /** Writes {@code target} through {@code writer}, which fills the temporary file at the path it is given. */
    public static void writeVia(Path target, PathWriter writer) throws IOException {
        try (Pending p = begin(target)) {
            writer.writeTo(p.path());
            p.commit();
        }
    }

    /** Writes {@code target} through {@code writer}'s stream. */
    public static void write(Path target, StreamWriter writer) throws IOException {
        writeVia(target, tmp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                writer.writeTo(out);
            }
        });
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        writeVia(target, tmp -> Files.write(tmp, bytes));
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh temporary directory beside where {@code target} will appear (its folder is created when missing). */
    public static Path tempDirFor(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, TEMP_PREFIX + target.getFileName() + "-");
    }

    /**
     * Moves the finished directory {@code tmp} (from {@link #tempDirFor}) into place as {@code target}: every
     * file in it and the directory are forced to disk first; an existing {@code target} is renamed aside and
     * deleted once the new one is in place. A kill between the two renames leaves no {@code target} and the
     * previous one at {@code .tmp-old-NAME} (readers then find the output missing and redo it); the next
     * replace removes that copy.
     */
    public static void replaceDirectory(Path tmp, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(tmp)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) fsync(p);
        }
        fsync(tmp);
        Path old = target.toAbsolutePath().resolveSibling(TEMP_PREFIX + "old-" + target.getFileName());
        deleteTree(old); // left by a kill between the two renames below
        if (Files.exists(target)) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        fsync(target.toAbsolutePath().getParent());
        deleteTree(old);
    }

    /** Writes the directory {@code target} through {@code writer}, which fills the temporary directory it is given. */
    public static void writeDirectory(Path target, PathWriter writer) throws IOException {
        Path tmp = tempDirFor(target);
        try {
            writer.writeTo(tmp);
            replaceDirectory(tmp, target);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Deletes a directory tree, or a file; nothing when {@code path} does not exist. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Lower-case hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** Forces a file's or directory's content to disk (a directory: so that a rename inside it survives a crash). */
    public static void fsync(Path p) throws IOException {
        boolean dir = Files.isDirectory(p);
        // a read-only file (a copy of one) is forced through a read handle, which Linux and macOS allow
        try (FileChannel ch = FileChannel.open(p, dir || !Files.isWritable(p) ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!dir) throw e; // some file systems refuse to open directories; the rename is still atomic there
        }
    }
}
