package io.rrs.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scope: refusal rates of one model's responses, per condition and per (condition, category),
 * judged by a {@link RefusalJudge}. Benign queries count under the category of the harmful question
 * they rewrite (the dataset's pairing), so a category's ORR is over its own benign rewrites.
 */
public record RateTable(Map<String, RefusalRates> byCondition, Map<String, Map<String, RefusalRates>> byCategory) {

    public RateTable {
        byCondition = Map.copyOf(byCondition);
        Map<String, Map<String, RefusalRates>> copy = new LinkedHashMap<>();
        byCategory.forEach((c, m) -> copy.put(c, Map.copyOf(m)));
        byCategory = Map.copyOf(copy);
    }

    /** Judges every record and counts it under its condition and category. */
    public static RateTable of(List<ResponseRecord> records, RefusalJudge judge) {
        Map<String, RefusalRates> cond = new LinkedHashMap<>();
        Map<String, Map<String, RefusalRates>> cat = new LinkedHashMap<>();
        for (ResponseRecord r : records) {
            boolean refused = judge.isRefusal(r.response());
            cond.merge(r.condition(), RefusalRates.EMPTY.plus(r.harmful(), refused), RefusalRates::plus);
            cat.computeIfAbsent(r.condition(), k -> new TreeMap<>()).merge(r.category(), RefusalRates.EMPTY.plus(r.harmful(), refused), RefusalRates::plus);
        }
        return new RateTable(cond, cat);
    }

    /** The rates of a condition; {@link RefusalRates#EMPTY} when it has no responses. */
    public RefusalRates condition(String condition) {
        return byCondition.getOrDefault(condition, RefusalRates.EMPTY);
    }

    /** The rates of a category within a condition; EMPTY when absent. */
    public RefusalRates category(String condition, String category) {
        return byCategory.getOrDefault(condition, Map.of()).getOrDefault(category, RefusalRates.EMPTY);
    }

    /** Every category seen under {@code condition}, sorted. */
    public List<String> categories(String condition) {
        return List.copyOf(new TreeMap<>(byCategory.getOrDefault(condition, Map.of())).keySet());
    }
}
