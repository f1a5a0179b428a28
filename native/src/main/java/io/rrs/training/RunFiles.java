package io.rrs.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scope: crash-safe directories of a run (the prepare output, every checkpoint, the pretraining state and
 * model). A directory is written in {@link AtomicFiles#tempDirFor}, then a manifest listing every file with its size
 * and SHA-256 is written last, and the directory is moved into place by {@link AtomicFiles#replaceDirectory}
 * (every file forced to disk, an atomic rename). A kill at any moment leaves either the old state or the
 * complete new directory; leftover temporary directories are ignored. Reading checks the manifest's format
 * tag (the owner of each kind of directory passes its own), then verifies every listed file and names the
 * one that fails.
 */
public final class RunFiles {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunFiles() {}

    /**
     * Writes {@code manifestName} in {@code tmp} listing every other file (the manifest's format tag is its
     * owner's to put first), and moves {@code tmp} into place as {@code target}, replacing what was there.
     */
    public static void commit(Path tmp, Path target, String manifestName, ObjectNode manifest) throws IOException {
        ObjectNode files = manifest.putObject("files");
        try (Stream<Path> list = Files.list(tmp)) {
            for (Path f : list.sorted().toList()) {
                if (f.getFileName().toString().equals(manifestName)) continue;
                ObjectNode entry = files.putObject(f.getFileName().toString());
                entry.put("bytes", Files.size(f));
                entry.put("sha256", AtomicFiles.sha256(f));
            }
        }
        writeJson(tmp.resolve(manifestName), manifest);
        AtomicFiles.replaceDirectory(tmp, target);
    }

    /**
     * Reads {@code dir/manifestName}, refuses it unless its format tag is {@code format} ({@code rewrite} says what
     * writes it again), and checks every file it lists (present, size, SHA-256). Errors name the directory and the
     * file, and say what to do.
     */
    public static JsonNode verify(Path dir, String manifestName, String what, String format, String rewrite) throws IOException {
        Path manifestFile = dir.resolve(manifestName);
        if (!Files.isRegularFile(manifestFile))
            throw new CorruptRunException(what + " " + dir + " has no " + manifestName + ": it is incomplete or not a " + what);
        JsonNode manifest = readTagged(manifestFile, what, format, rewrite);
        JsonNode files = manifest.get("files");
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
            String hash = AtomicFiles.sha256(f), expectedHash = e.getValue().path("sha256").asText();
            if (!hash.equals(expectedHash))
                throw new CorruptRunException(what + " " + dir + ": file " + f + " is corrupted (SHA-256 " + hash + ", " + manifestName
                        + " records " + expectedHash + ")");
        }
        return manifest;
    }

    /** Reads a JSON file and refuses it unless its format tag is {@code format}; {@code rewrite} says what writes it again. */
    public static JsonNode readTagged(Path file, String what, String format, String rewrite) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CorruptRunException(what + " " + file + " is not valid JSON (" + e.getMessage() + "); " + rewrite);
        }
        FormatTag.check(file, root, format, rewrite, CorruptRunException::new);
        return root;
    }

    /** Writes {@code node} (indented) into a directory that is still being built (it is forced to disk when the directory is committed). */
    public static void writeJson(Path file, JsonNode node) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(node));
    }
}
