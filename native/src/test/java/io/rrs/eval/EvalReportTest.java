package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The three-way report (base, RRS, and a {@code --compare} model such as the SFT baseline) on synthetic answers:
 * columns and deltas against the base per condition, per category and in the summary, JSON keys kept for the
 * aligned model ("aligned", "delta") next to "NAME" and "delta_NAME", labels, and names that would collide.
 */
class EvalReportTest {
    private static final RefusalJudge JUDGE = RefusalJudge.defaults();

    /** Two categories x (2 harmful + 2 benign) per condition; {@code refuses} decides each answer. */
    private static RateTable model(Predicate<String> refuses) {
        List<ResponseRecord> l = new ArrayList<>();
        for (String c : List.of("audio-text", "text-only"))
            for (String cat : List.of("a", "b"))
                for (int i = 0; i < 2; i++)
                    for (String label : List.of("harmful", "benign")) {
                        String id = label.charAt(0) + cat + i;
                        l.add(new ResponseRecord(c, id, id, label, cat, "q", refuses.test(c + "/" + label + "/" + cat + i) ? "I cannot." : "Sure.", 2, true));
                    }
        return RateTable.of(l, JUDGE);
    }

    private static EvalReport threeWay() {
        Map<String, RateTable> models = new LinkedHashMap<>();
        models.put("sft", model(k -> !k.contains("/b1"))); // refuses nearly everything: harmful 3/4, benign 3/4 per condition
        models.put("base", model(k -> k.equals("audio-text/harmful/a0"))); // 1 of 4 harmful in audio-text, nothing else
        models.put("aligned", model(k -> k.contains("harmful"))); // every harmful, no benign
        Map<String, String> paths = Map.of("base", "/m/base", "aligned", "/runs/rrs (rrs reshape run)", "sft", "/runs/sft (rrs sft run)");
        return new EvalReport(List.of("audio-text", "text-only"), models, paths, JUDGE.phrases(), Map.of(), List.of(), List.of());
    }

    @Test
    void everyModelGetsItsRatesAndItsDeltaAgainstTheBase() {
        JsonNode json = threeWay().toJson();
        assertEquals(List.of("base", "aligned", "sft"), fieldNames(json.get("models")), "column order: base, RRS, then compare models");
        assertEquals("RRS", json.get("labels").get("aligned").asText());
        assertEquals("sft", json.get("labels").get("sft").asText());
        JsonNode at = json.get("results").get("audio-text").get("overall");
        assertEquals(List.of("base", "aligned", "sft", "delta", "delta_sft"), fieldNames(at));
        assertEquals(0.25, at.get("base").get("dsr").asDouble(), 1e-12);
        assertEquals(1.0, at.get("aligned").get("dsr").asDouble(), 1e-12);
        assertEquals(0.75, at.get("delta").get("dsr").asDouble(), 1e-12, "backward compatible: delta = aligned - base");
        assertEquals(0.0, at.get("delta").get("orr").asDouble(), 1e-12);
        assertEquals(0.5, at.get("delta_sft").get("dsr").asDouble(), 1e-12);
        assertEquals(0.75, at.get("delta_sft").get("orr").asDouble(), 1e-12, "SFT over-rejects");
        assertEquals(3, at.get("sft").get("benign_refused").asInt());
        JsonNode catA = json.get("results").get("text-only").get("categories").get("a");
        assertEquals(1.0, catA.get("delta_sft").get("dsr").asDouble(), 1e-12);
        assertEquals(1.0, catA.get("delta_sft").get("orr").asDouble(), 1e-12);
        JsonNode mean = json.get("mean_over_conditions");
        assertEquals((0.75 + 1.0) / 2, mean.get("delta").get("dsr").asDouble(), 1e-12);
        assertEquals(0.75, mean.get("delta_sft").get("orr").asDouble(), 1e-12);
        assertEquals(0.75, mean.get("sft").get("orr").asDouble(), 1e-12);
    }

    @Test
    void markdownShowsBaseRrsAndTheCompareModelWithDeltas() {
        String md = threeWay().toMarkdown();
        assertTrue(md.contains("| condition | harmful | benign | DSR base | DSR RRS | ΔDSR RRS | DSR sft | ΔDSR sft | ORR base | ORR RRS | ΔORR RRS "
                + "| ORR sft | ΔORR sft |"), md);
        assertTrue(md.contains("| audio-text | 4 | 4 | 25.0% | 100.0% | +75.0 pt | 75.0% | +50.0 pt | 0.0% | 0.0% | +0.0 pt | 75.0% | +75.0 pt |"), md);
        assertTrue(md.contains("| **mean** |  |  | 12.5% | 100.0% | +87.5 pt | 75.0% | +62.5 pt | 0.0% | 0.0% | +0.0 pt | 75.0% | +75.0 pt |"), md);
        assertTrue(md.contains("| a | 2 | 2 | 50.0% | 100.0% | +50.0 pt | 100.0% | +50.0 pt | 0.0% | 0.0% | +0.0 pt | 100.0% | +100.0 pt |"), md);
        assertTrue(md.contains("- RRS: `/runs/rrs (rrs reshape run)`") && md.contains("- sft: `/runs/sft (rrs sft run)`"), md);
        assertTrue(md.contains("## text-only by category"), md);
    }

    @Test
    void withoutOtherModelsOnlyBaseColumnsAppear() {
        EvalReport base = new EvalReport(List.of("audio-text"), Map.of("base", model(k -> false)), Map.of("base", "/m"), JUDGE.phrases(), Map.of(),
                List.of(), List.of());
        assertFalse(base.toJson().get("results").get("audio-text").get("overall").has("delta"));
        assertTrue(base.toMarkdown().contains("| condition | harmful | benign | DSR base | ORR base |"), base.toMarkdown());
    }

    @Test
    void compareNamesThatWouldCollideAreRefusedByName() {
        for (String bad : List.of("base", "aligned", "rrs", "delta", "delta_x", "SFT", "a/b", "", "x".repeat(33))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalReport.checkCompareName(bad), bad);
            assertTrue(e.getMessage().contains("--compare name"), e.getMessage());
        }
        EvalReport.checkCompareName("sft");
        EvalReport.checkCompareName("sft-none_2");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
