package io.rrs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: a file its owner writes with its format tag and refuses with another tag or none, by name. */
public final class FormatTags {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OTHER = "rrs-other-format/9";

    private FormatTags() {}

    /** Reads the file through its owner. */
    @FunctionalInterface
    public interface Load {
        void run() throws Exception;
    }

    /**
     * {@code file} carries {@code expected}; {@code load} reads it as it is, and fails with an IOException naming
     * the file, the tag found and {@code expected}, and containing {@code remedy}, once the tag is replaced and
     * once it is removed. The file is restored after.
     */
    public static void assertOwned(Path file, String expected, String remedy, Load load) throws Exception {
        byte[] original = Files.readAllBytes(file);
        ObjectNode root = (ObjectNode) JSON.readTree(original);
        assertEquals(expected, root.path("format").asText(), file + " as written");
        load.run();
        try {
            Files.write(file, JSON.writeValueAsBytes(root.deepCopy().put("format", OTHER)));
            String other = assertThrows(IOException.class, load::run).getMessage();
            assertTrue(other.contains(file + " has format tag \"" + OTHER + "\", expected \"" + expected + "\"") && other.contains(remedy), other);
            ObjectNode untagged = root.deepCopy();
            untagged.remove("format");
            Files.write(file, JSON.writeValueAsBytes(untagged));
            String none = assertThrows(IOException.class, load::run).getMessage();
            assertTrue(none.contains(file + " has no format tag, expected \"" + expected + "\"") && none.contains(remedy), none);
        } finally {
            Files.write(file, original);
        }
        load.run();
    }
}
