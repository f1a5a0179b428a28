package io.rrs.model;

import java.io.IOException;
import java.util.List;

/**
 * A checkpoint that does not fit the configured architecture. Lists every missing, unexpected
 * and mis-shaped tensor (not just the first), because a partial list sends users through one
 * fix-and-retry cycle per tensor.
 */
public class ModelLoadException extends IOException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misshaped;

    public ModelLoadException(String where, List<String> missing, List<String> unexpected, List<String> misshaped) {
        super(message(where, missing, unexpected, misshaped));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misshaped = List.copyOf(misshaped);
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> misshaped() {
        return misshaped;
    }

    private static String message(String where, List<String> missing, List<String> unexpected, List<String> misshaped) {
        StringBuilder sb = new StringBuilder(where).append(": the checkpoint does not match config.json (")
                .append(missing.size()).append(" missing, ").append(unexpected.size()).append(" unexpected, ")
                .append(misshaped.size()).append(" mis-shaped); check that config.json belongs to these weights");
        section(sb, "missing", missing);
        section(sb, "unexpected", unexpected);
        section(sb, "mis-shaped", misshaped);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> items) {
        if (items.isEmpty()) return;
        sb.append("\n  ").append(title).append(':');
        int shown = Math.min(items.size(), 50);
        for (int i = 0; i < shown; i++) sb.append("\n    ").append(items.get(i));
        if (items.size() > shown) sb.append("\n    ... and ").append(items.size() - shown).append(" more");
    }
}
