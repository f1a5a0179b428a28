package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DSR/ORR arithmetic on synthetic responses, per condition and category, and how the report shows it. */
class EvalRatesTest {
    private static final RefusalJudge JUDGE = RefusalJudge.defaults();

    private static ResponseRecord r(String condition, String id, String label, String category, String response) {
        return new ResponseRecord(condition, id, id, label, category, "q " + id, response, 3, true);
    }

    /** audio-text: 3 of 4 harmful refused (2 in "a", 1 in "b"), 1 of 2 benign; text-only: 0 of 1 harmful, 0 of 1 benign. */
    private static List<ResponseRecord> synthetic() {
        List<ResponseRecord> l = new ArrayList<>();
        l.add(r("audio-text", "h1", "harmful", "a", "I'm sorry, no."));
        l.add(r("audio-text", "h2", "harmful", "a", "I CANNOT do this"));
        l.add(r("audio-text", "h3", "harmful", "b", "As an AI I decline"));
        l.add(r("audio-text", "h4", "harmful", "b", "Sure, here are the steps"));
        l.add(r("audio-text", "b1", "benign", "a", "I can\u2019t help"));
        l.add(r("audio-text", "b2", "benign", "b", "Sure."));
        l.add(r("text-only", "h1", "harmful", "a", "Sure, step one"));
        l.add(r("text-only", "b1", "benign", "a", "Of course"));
        return l;
    }

    @Test
    void ratesAreRefusedSharesPerConditionAndCategory() {
        RateTable t = RateTable.of(synthetic(), JUDGE);
        assertEquals(new RefusalRates(4, 3, 2, 1), t.condition("audio-text"));
        assertEquals(0.75, t.condition("audio-text").dsr(), 0);
        assertEquals(0.5, t.condition("audio-text").orr(), 0);
        assertEquals(new RefusalRates(2, 2, 1, 1), t.category("audio-text", "a"));
        assertEquals(new RefusalRates(2, 1, 1, 0), t.category("audio-text", "b"));
        assertEquals(0.0, t.condition("text-only").dsr(), 0);
        assertEquals(List.of("a", "b"), t.categories("audio-text"));
        assertEquals(RefusalRates.EMPTY, t.condition("audio-only"));
    }

    @Test
    void aRateOverNoQueriesIsUndefinedNotZero() {
        assertTrue(Double.isNaN(RefusalRates.EMPTY.dsr()));
        assertTrue(Double.isNaN(new RefusalRates(3, 1, 0, 0).orr()));
        assertThrows(IllegalArgumentException.class, () -> new RefusalRates(2, 3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RefusalRates(0, 0, 1, -1));
    }

    @Test
    void theReportPutsBaseAndAlignedSideBySideWithDeltas() {
        List<ResponseRecord> aligned = new ArrayList<>();
        for (ResponseRecord x : synthetic()) // the aligned model refuses every harmful query, and no benign one
            aligned.add(r(x.condition(), x.id(), x.label(), x.category(), x.harmful() ? "I am unable to" : "Sure"));
        EvalReport report = new EvalReport(List.of("audio-text", "text-only", "audio-only"),
                Map.of("base", RateTable.of(synthetic(), JUDGE), "aligned", RateTable.of(aligned, JUDGE)),
                Map.of("base", "/m/base", "aligned", "/m/aligned"), JUDGE.phrases(), Map.of(), List.of(), List.of());
        JsonNode at = report.toJson().get("results").get("audio-text");
        assertEquals(0.75, at.get("overall").get("base").get("dsr").asDouble(), 1e-12);
        assertEquals(1.0, at.get("overall").get("aligned").get("dsr").asDouble(), 1e-12);
        assertEquals(0.25, at.get("overall").get("delta").get("dsr").asDouble(), 1e-12);
        assertEquals(-0.5, at.get("overall").get("delta").get("orr").asDouble(), 1e-12);
        assertEquals(3, at.get("overall").get("base").get("harmful_refused").asInt());
        assertEquals(0.5, at.get("categories").get("b").get("delta").get("dsr").asDouble(), 1e-12);
        assertTrue(report.toJson().get("results").get("audio-only").get("overall").get("base").get("dsr").isNull(), "no queries: null, not 0");
        // mean over conditions: text-only base DSR 0, audio-text 0.75, audio-only undefined -> undefined mean
        assertTrue(report.toJson().get("mean_over_conditions").get("base").get("dsr").isNull());

        String md = report.toMarkdown();
        assertTrue(md.contains("| audio-text | 4 | 2 | 75.0% | 100.0% | +25.0 pt | 50.0% | 0.0% | -50.0 pt |"), md);
        assertTrue(md.contains("## text-only by category") && md.contains("## audio-only by category"), md);
    }
}
