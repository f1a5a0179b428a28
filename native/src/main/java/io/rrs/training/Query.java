package io.rrs.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.PromptSplit;
import io.rrs.data.SourceDataset;
import io.rrs.data.SpokenDataset;
import io.rrs.text.InputCondition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Scope: one training query as RRS sees it: the utterance id, its label ("harmful" or "benign"), the
 * question text and its WAV file (null for a written row, which only the text-only condition uses).
 */
public record Query(String id, String label, String text, Path wav) {
    public Query {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a query needs an id");
        if (!"harmful".equals(label) && !"benign".equals(label))
            throw new IllegalArgumentException(id + ": label must be harmful or benign, got " + label);
        if (text == null || text.isBlank()) throw new IllegalArgumentException(id + ": the question text is empty");
    }

    /** True when the query has a recording (every query but a written row's). */
    public boolean spoken() {
        return wav != null;
    }

    /** Puts {@code id}, {@code label}, {@code text} and {@code wav} (null for a written row) into {@code node}: a run's record of its rows. */
    public ObjectNode writeTo(ObjectNode node) {
        return node.put("id", id).put("label", label).put("text", text).put("wav", spoken() ? wav.toString() : null);
    }

    /** The query {@link #writeTo} recorded in {@code node}. */
    public static Query fromJson(JsonNode node) {
        return new Query(node.path("id").asText(), node.path("label").asText(), node.path("text").asText(),
                node.path("wav").isTextual() ? Path.of(node.path("wav").asText()) : null);
    }

    public boolean harmful() {
        return "harmful".equals(label);
    }

    /**
     * The training queries of one class that {@code condition} can use: every {@code train}-split utterance (each
     * voice/rate its own row; written rows too when the condition has no audio), or with {@code limitPerClass > 0} a
     * subset of that many seeded by {@code seed}. {@code rrs reshape prepare} and {@code rrs sft train} both select
     * with this, so both trainers see the same rows.
     */
    public static List<Query> trainSplit(SpokenDataset data, SourceDataset.Label label, int limitPerClass, long seed, InputCondition condition) {
        return split(data, PromptSplit.Split.TRAIN, label, limitPerClass, seed, condition);
    }

    /** As {@link #trainSplit}, from any split (e.g. the test split that {@code rrs reshape separation} judges). */
    public static List<Query> split(SpokenDataset data, PromptSplit.Split split, SourceDataset.Label label, int limitPerClass, long seed,
                                    InputCondition condition) {
        List<Query> all = new ArrayList<>();
        for (var e : data.select(split, label, condition)) all.add(new Query(e.id(), e.label(), e.text(), e.written() ? null : data.wav(e)));
        if (limitPerClass == 0 || limitPerClass >= all.size()) return all;
        // A seeded subset, so a quick run is reproducible and still spans categories and voices.
        List<Query> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(seed * 31 + label.ordinal()));
        return List.copyOf(shuffled.subList(0, limitPerClass));
    }
}
