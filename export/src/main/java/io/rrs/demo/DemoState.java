package io.rrs.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import io.rrs.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: {@code WORK/demo.json}, what the demo knows about its work folder: per stage the inputs it was
 * started with (data and model hashes, settings), whether it finished, its time and one-line summary, and
 * the size and SHA-256 of the files it wrote where the stage's own files carry no hashes. Replaced
 * atomically after every change, so a kill leaves the previous state. A stage counts as done only when
 * its record says so, its inputs equal this run's, and its outputs verify.
 */
final class DemoState {
    static final String FILE = "demo.json";
    static final String FORMAT = "rrs-demo/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One stage's record; {@code files} maps paths relative to the work folder to {bytes, sha256}. */
    record Stage(String name, boolean done, Map<String, String> inputs, double seconds, String summary, JsonNode files) {}

    private final Path work;
    private final Map<String, Stage> stages = new LinkedHashMap<>();

    private DemoState(Path work) {
        this.work = work;
    }

    static boolean exists(Path work) {
        return Files.isRegularFile(work.resolve(FILE));
    }

    /** Reads {@code work/demo.json}; an empty state when there is none. */
    static DemoState load(Path work) throws DemoException {
        DemoState s = new DemoState(work);
        Path file = work.resolve(FILE);
        if (!Files.exists(file)) return s;
        try {
            JsonNode root = JSON.readTree(file.toFile());
            FormatTag.check(file, root, FORMAT, "use another --work DIR, or --restart to start the demo there again", m -> new DemoException(ExitCodes.CORRUPT, m));
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("stages").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode n = e.getValue();
                Map<String, String> inputs = new LinkedHashMap<>();
                n.path("inputs").fields().forEachRemaining(f -> inputs.put(f.getKey(), f.getValue().asText()));
                s.stages.put(e.getKey(), new Stage(e.getKey(), n.path("done").asBoolean(), inputs, n.path("seconds").asDouble(),
                        n.path("summary").asText(""), n.path("files")));
            }
            return s;
        } catch (IOException e) {
            throw new DemoException(ExitCodes.CORRUPT, file + " cannot be read (" + e.getMessage().lines().findFirst().orElse("") + "); use --restart to start the demo there again");
        }
    }

    Stage get(String name) {
        return stages.get(name);
    }

    void started(String name, Map<String, String> inputs) throws IOException {
        stages.put(name, new Stage(name, false, new LinkedHashMap<>(inputs), 0, "", JSON.createObjectNode()));
        save();
    }

    /** Marks a stage done, recording the size and SHA-256 of {@code files} (relative to the work folder). */
    void done(String name, Map<String, String> inputs, double seconds, String summary, List<String> files) throws IOException {
        ObjectNode f = JSON.createObjectNode();
        for (String rel : files) {
            Path p = work.resolve(rel);
            f.putObject(rel).put("bytes", Files.size(p)).put("sha256", AtomicFiles.sha256(p));
        }
        stages.put(name, new Stage(name, true, new LinkedHashMap<>(inputs), seconds, summary, f));
        save();
    }

    /** Null when every recorded file of the stage is present with its size and SHA-256, else what is wrong. */
    String filesProblem(String name) throws IOException {
        Stage st = stages.get(name);
        for (Iterator<Map.Entry<String, JsonNode>> it = st.files().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path p = work.resolve(e.getKey());
            if (!Files.isRegularFile(p)) return p + " is missing";
            if (Files.size(p) != e.getValue().path("bytes").asLong()) return p + " changed size";
            if (!AtomicFiles.sha256(p).equals(e.getValue().path("sha256").asText())) return p + " changed (SHA-256)";
        }
        return null;
    }

    /** The first input whose value differs ("lr 0.001 -> 5.0E-4"), or null when the two agree. */
    static String difference(Map<String, String> recorded, Map<String, String> current) {
        for (Map.Entry<String, String> e : current.entrySet()) {
            String before = recorded.get(e.getKey());
            if (!e.getValue().equals(before)) return e.getKey() + " " + (before == null ? "(not recorded)" : before) + " -> " + e.getValue();
        }
        for (String k : recorded.keySet()) if (!current.containsKey(k)) return k + " " + recorded.get(k) + " -> (not set)";
        return null;
    }

    private void save() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put(FormatTag.FIELD, FORMAT);
        ObjectNode all = root.putObject("stages");
        for (Stage st : stages.values()) {
            ObjectNode n = all.putObject(st.name());
            n.put("done", st.done()).put("seconds", st.seconds()).put("summary", st.summary());
            ObjectNode in = n.putObject("inputs");
            st.inputs().forEach(in::put);
            n.set("files", st.files());
        }
        Files.createDirectories(work);
        AtomicFiles.writeString(work.resolve(FILE), JSON.writeValueAsString(root) + "\n");
    }
}
