package io.rrs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scope: crash-safe directories of a run (the prepare output and every checkpoint). A directory is
 * written under a temporary name, each file fsynced, then a manifest listing every file with its size
 * and SHA-256 is written last, and the directory is renamed into place atomically (then its parent is
 * fsynced). A kill at any moment leaves either the old state or the complete new directory; leftover
 * temporary directories are ignored. Reading verifies every listed file and names the one that fails.
 */
public final class RunFiles {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String TEMP_PREFIX = ".tmp-";

    private RunFiles() {}

    /** A fresh temporary directory next to where {@code target} will appear. */
    public static Path tempDirFor(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, TEMP_PREFIX + target.getFileName() + "-");
    }

    /** Writes {@code manifestName} in {@code tmp} listing every other file, fsyncs, and renames {@code tmp} to {@code target}. */
    public static void commit(Path tmp, Path target, String manifestName, ObjectNode manifest) throws IOException {
        ObjectNode files = manifest.putObject("files");
        try (Stream<Path> list = Files.list(tmp)) {
            for (Path f : list.sorted().toList()) {
                if (f.getFileName().toString().equals(manifestName)) continue;
                fsync(f);
                ObjectNode entry = files.putObject(f.getFileName().toString());
                entry.put("bytes", Files.size(f));
                entry.put("sha256", sha256(f));
            }
        }
        writeJson(tmp.resolve(manifestName), manifest);
        fsync(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        fsync(target.toAbsolutePath().getParent());
    }

    /**
     * Reads {@code dir/manifestName} and checks every file it lists (present, size, SHA-256). Errors name
     * the directory and the file, and say what to do.
     */
    public static JsonNode verify(Path dir, String manifestName, String what) throws IOException {
        Path manifestFile = dir.resolve(manifestName);
        if (!Files.isRegularFile(manifestFile))
            throw new CorruptRunException(what + " " + dir + " has no " + manifestName + ": it is incomplete or not a " + what);
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new CorruptRunException(what + " " + dir + ": " + manifestFile + " is not valid JSON (" + e.getMessage() + ")");
        }
        JsonNode files = manifest == null ? null : manifest.get("files");
        if (files == null || !files.isObject())
            throw new CorruptRunException(what + " " + dir + ": " + manifestFile + " lists no files");
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) throw new CorruptRunException(what + " " + dir + ": file " + f + " is missing");
            long size = Files.size(f), expected = e.getValue().path("bytes").asLong(-1);
            if (size != expected)
                throw new CorruptRunException(what + " " + dir + ": file " + f + " has " + size + " bytes, " + manifestName + " records " + expected
                        + " (half-written or truncated)");
            String hash = sha256(f), expectedHash = e.getValue().path("sha256").asText();
            if (!hash.equals(expectedHash))
                throw new CorruptRunException(what + " " + dir + ": file " + f + " is corrupted (SHA-256 " + hash + ", " + manifestName
                        + " records " + expectedHash + ")");
        }
        return manifest;
    }

    /** Writes a small file atomically (temp, fsync, rename): used for the "latest" pointer. */
    public static void writeAtomically(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, TEMP_PREFIX + file.getFileName(), "");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        fsync(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync(parent);
    }

    public static void writeJson(Path file, JsonNode node) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(node));
        fsync(file);
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Forces a file's or directory's content to disk (directories: so a rename inside survives a crash). */
    static void fsync(Path p) throws IOException {
        boolean dir = Files.isDirectory(p);
        try (FileChannel ch = FileChannel.open(p, dir ? List.of(StandardOpenOption.READ).toArray(new StandardOpenOption[0])
                : new StandardOpenOption[] {StandardOpenOption.WRITE})) {
            ch.force(true);
        } catch (IOException e) {
            if (!dir) throw e; // some file systems refuse to open directories; the rename is still atomic there
        }
    }

    /** Deletes a directory tree (a stale temporary directory). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
