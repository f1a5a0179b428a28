package io.rrs.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Scope: the {@code "format"} field that every JSON file the project writes for itself carries
 * ({@code "rrs-guard/2"}, {@code "rrs-lora-checkpoint/1"}, ...), and the one check every reader makes
 * before trusting any other field: a file with another tag, or none, is refused with a message that
 * names the file, the tag found, the tag expected and what writes the file again. The format's owner
 * class holds its tag and calls {@link #check}; nothing here knows a particular format.
 */
public final class FormatTag {
    public static final String FIELD = "format";

    private FormatTag() {}

    /**
     * Null when {@code root}'s tag is {@code expected}; otherwise the refusal, ending in {@code remedy}
     * (e.g. "re-run 'rrs reshape prepare --run RUN'").
     */
    public static String problem(Path file, JsonNode root, String expected, String remedy) {
        JsonNode tag = root == null ? null : root.get(FIELD);
        if (tag != null && tag.isTextual() && tag.asText().equals(expected)) return null;
        String found = tag == null || tag.isNull() ? "no format tag" : "format tag " + tag;
        return file + " has " + found + ", expected \"" + expected + "\" (a file of another kind or version); " + remedy;
    }

    /** Throws {@code error} of {@link #problem}'s message when the tag is not {@code expected}. */
    public static <E extends Exception> void check(Path file, JsonNode root, String expected, String remedy, Function<String, E> error) throws E {
        String problem = problem(file, root, expected, remedy);
        if (problem != null) throw error.apply(problem);
    }
}
