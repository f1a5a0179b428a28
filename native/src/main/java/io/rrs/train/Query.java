package io.rrs.train;

import java.nio.file.Path;

/**
 * Scope: one spoken training query as RRS sees it: the utterance id, its label ("harmful" or
 * "benign"), the question text and its WAV file.
 */
public record Query(String id, String label, String text, Path wav) {
    public Query {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a query needs an id");
        if (!"harmful".equals(label) && !"benign".equals(label))
            throw new IllegalArgumentException(id + ": label must be harmful or benign, got " + label);
        if (text == null || text.isBlank()) throw new IllegalArgumentException(id + ": the question text is empty");
        if (wav == null) throw new IllegalArgumentException(id + ": no WAV path");
    }

    public boolean harmful() {
        return "harmful".equals(label);
    }
}
