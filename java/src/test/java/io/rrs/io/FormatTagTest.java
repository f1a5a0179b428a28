package io.rrs.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The format-tag check: the expected tag passes; another, a non-text or a missing tag is refused naming the file, both tags and the remedy. */
class FormatTagTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FILE = Path.of("run", "prepare", "prepare.json");
    private static final String REMEDY = "re-run 'rrs reshape prepare'";

    @Test
    void theExpectedTagPasses() {
        ObjectNode root = JSON.createObjectNode().put("format", "rrs-reshape-prepare/1").put("seed", 1);
        assertNull(FormatTag.problem(FILE, root, "rrs-reshape-prepare/1", REMEDY));
        assertDoesNotThrow(() -> FormatTag.check(FILE, root, "rrs-reshape-prepare/1", REMEDY, IOException::new));
    }

    @Test
    void otherAndMissingTagsAreRefusedByName() {
        assertEquals(FILE + " has format tag \"rrs-reshape-prepare/2\", expected \"rrs-reshape-prepare/1\" (a file of another kind or version); " + REMEDY,
                FormatTag.problem(FILE, JSON.createObjectNode().put("format", "rrs-reshape-prepare/2"), "rrs-reshape-prepare/1", REMEDY));
        assertEquals(FILE + " has format tag 7, expected \"rrs-reshape-prepare/1\" (a file of another kind or version); " + REMEDY,
                FormatTag.problem(FILE, JSON.createObjectNode().put("format", 7), "rrs-reshape-prepare/1", REMEDY));
        assertEquals(FILE + " has no format tag, expected \"rrs-reshape-prepare/1\" (a file of another kind or version); " + REMEDY,
                FormatTag.problem(FILE, JSON.createObjectNode().put("seed", 1), "rrs-reshape-prepare/1", REMEDY));
        assertEquals(FILE + " has no format tag, expected \"rrs-reshape-prepare/1\" (a file of another kind or version); " + REMEDY,
                FormatTag.problem(FILE, JSON.createObjectNode().putNull("format"), "rrs-reshape-prepare/1", REMEDY));
        IOException e = assertThrows(IOException.class, () -> FormatTag.check(FILE, null, "rrs-reshape-prepare/1", REMEDY, IOException::new));
        assertEquals(FILE + " has no format tag, expected \"rrs-reshape-prepare/1\" (a file of another kind or version); " + REMEDY, e.getMessage());
    }
}
