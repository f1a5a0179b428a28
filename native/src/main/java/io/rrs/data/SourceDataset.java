package io.rrs.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: reads the authors' release ({@code harmful.json}, {@code benign.json}): rows of
 * {@code prompt}, {@code category}, {@code path}, where benign row i is the minimally edited safe
 * rewrite of harmful row i. Validates the pairing so a mismatched file fails here, by name.
 */
public record SourceDataset(List<Row> harmful, List<Row> benign) {

    /** Label of a prompt: what the RRS targets push it towards (refusal for harmful). */
    public enum Label {
        HARMFUL, BENIGN;

        /** The manifest spelling: "harmful" / "benign". */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One row of a source file; {@code index} pairs a harmful row with its benign rewrite. */
    public record Row(int index, Label label, String prompt, String category, String path) {
        public Row {
            if (prompt == null || prompt.isBlank()) throw new IllegalArgumentException(label + " row " + index + " has an empty prompt");
            if (category == null || category.isBlank()) throw new IllegalArgumentException(label + " row " + index + " has no category");
        }
    }

    public SourceDataset {
        if (harmful.size() != benign.size()) {
            throw new IllegalArgumentException("harmful.json has " + harmful.size() + " rows but benign.json " + benign.size()
                    + "; they pair by index, so both files must come from the same release");
        }
        harmful = List.copyOf(harmful);
        benign = List.copyOf(benign);
    }

    public static final String HARMFUL_FILE = "harmful.json";
    public static final String BENIGN_FILE = "benign.json";
    /** The attribution (authors, repository, commit, MIT license) that travels with every copy. */
    public static final String SOURCE_FILE = "SOURCE.md";

    /** Reads both files from {@code dir}. */
    public static SourceDataset read(Path dir) throws IOException {
        return new SourceDataset(readRows(dir.resolve(HARMFUL_FILE), Label.HARMFUL), readRows(dir.resolve(BENIGN_FILE), Label.BENIGN));
    }

    private static List<Row> readRows(Path file, Label label) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("missing " + file.toAbsolutePath());
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file.toAbsolutePath() + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isArray()) throw new IOException(file.toAbsolutePath() + " must hold a JSON array of {prompt, category, path}");
        List<Row> rows = new ArrayList<>();
        for (JsonNode n : root) {
            int i = rows.size();
            if (!n.hasNonNull("prompt") || !n.hasNonNull("category")) {
                throw new IOException(file.toAbsolutePath() + " row " + i + " lacks \"prompt\" or \"category\": " + n);
            }
            rows.add(new Row(i, label, n.get("prompt").asText(), n.get("category").asText(), n.path("path").asText("")));
        }
        return rows;
    }

    /** Number of harmful/benign pairs. */
    public int pairs() {
        return harmful.size();
    }
}
