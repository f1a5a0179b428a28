package io.rrs.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: the responses of one model as an append-only JSONL file ({@code responses-<model>.jsonl})
 * plus the settings that produced them ({@code responses-<model>.settings.json}). Every answer is
 * flushed as it is made, so an interrupted run loses at most a torn last line; reopening drops that
 * line and reports what is done, so the run resumes. Reopening under other settings (another model
 * folder, token limit or prompt) is refused, since the two halves would not be comparable.
 */
public final class ResponseLog implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final Map<String, ResponseRecord> done;
    private final BufferedWriter writer;

    private ResponseLog(Path file, Map<String, ResponseRecord> done, BufferedWriter writer) {
        this.file = file;
        this.done = done;
        this.writer = writer;
    }

    /** The JSONL file of model {@code name} ("base", "aligned") in {@code outDir}. */
    public static Path fileOf(Path outDir, String name) {
        return outDir.resolve("responses-" + name + ".jsonl");
    }

    /**
     * Opens (creating or resuming) the log of {@code name} in {@code outDir}. {@code settings} is a
     * flat map of what decides the answers; a resumed log must have been written under equal settings.
     */
    public static ResponseLog open(Path outDir, String name, Map<String, String> settings) throws IOException {
        Files.createDirectories(outDir);
        Path file = fileOf(outDir, name);
        Path settingsFile = outDir.resolve("responses-" + name + ".settings.json");
        ObjectNode wanted = MAPPER.createObjectNode();
        settings.forEach(wanted::put);
        if (Files.exists(file) && Files.size(file) > 0) {
            if (!Files.exists(settingsFile))
                throw new IOException(file + " exists without " + settingsFile.getFileName() + "; it was not written by rrs eval: remove it or choose another --out");
            var previous = MAPPER.readTree(settingsFile.toFile());
            if (!previous.equals(wanted))
                throw new IOException(file + " was generated under other settings (" + previous + ", now " + wanted
                        + "); choose another --out, or delete the file to regenerate");
        }
        Files.writeString(settingsFile, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(wanted) + "\n");
        Map<String, ResponseRecord> done = readDroppingTornTail(file);
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new ResponseLog(file, done, w);
    }

    /**
     * Every record of a finished or interrupted log, keyed by {@link ResponseRecord#key()}. A last
     * line without its newline is a torn write and is cut from the file; any other bad line fails.
     */
    static Map<String, ResponseRecord> readDroppingTornTail(Path file) throws IOException {
        Map<String, ResponseRecord> out = new LinkedHashMap<>();
        if (!Files.exists(file)) return out;
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') end--;
        if (end < bytes.length) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(end); // drop the torn tail: its answer is generated again
            }
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            try {
                ResponseRecord r = ResponseRecord.fromJson(lines[i]);
                out.put(r.key(), r);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + " is not a response record (" + e.getMessage() + "); delete the file to regenerate", e);
            }
        }
        return out;
    }

    /** Reads a complete log (for the report). */
    public static List<ResponseRecord> read(Path file) throws IOException {
        return new ArrayList<>(readDroppingTornTail(file).values());
    }

    /** True when the answer to {@code key} is already in the file. */
    public boolean isDone(String key) {
        return done.containsKey(key);
    }

    /** Records already present, in file order. */
    public List<ResponseRecord> records() {
        return new ArrayList<>(done.values());
    }

    /** Appends one answer and flushes it to the file. */
    public void append(ResponseRecord r) throws IOException {
        writer.write(r.toJson());
        writer.write('\n');
        writer.flush();
        done.put(r.key(), r);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
