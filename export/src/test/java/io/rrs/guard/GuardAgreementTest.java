package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.text.Prompts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The screen-vs-respond agreement measurement, mechanically (the aligned demo model that the 98%
 * requirement is about does not exist yet): counts per condition equal an independent count from
 * screen and respond; thresholds 0 (all REFUSE) and 1 (all ALLOW) split every query between them;
 * the requirement and failed queries decide {@code passes}.
 */
class GuardAgreementTest {
    static final RespondOptions RESPOND = RespondOptions.defaults().withMaxNewTokens(6);

    static List<GuardQuery> queries() {
        List<GuardQuery> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            float[] audio = GuardTestModel.tone(12000, 16000, 120 + 30 * i, 40 + i);
            out.add(GuardQuery.pcm(audio, 16000, Prompts.AUDIO_TEXT_INSTRUCTION).withId("at" + i));
            out.add(GuardQuery.text("Question number " + i + ": how do I fix a bike?").withId("t" + i));
            out.add(GuardQuery.pcm(audio, 16000, "").withId("a" + i));
        }
        return out;
    }

    @Test
    void countsPerConditionMatchScreenAndRespondAndExtremeThresholdsSplitTheQueries() throws Exception {
        GuardTestModel.Exported model = GuardTestModel.shared();
        List<GuardQuery> qs = queries();
        try (Guard all = Guard.open(model.dir(), GuardOptions.defaults().withThreshold(0.0));
             Guard none = Guard.open(model.dir(), GuardOptions.defaults().withThreshold(1.0))) {
            GuardAgreement.Report refuseAll = GuardAgreement.measure(all, qs, RESPOND, GuardAgreement.REQUIRED);
            GuardAgreement.Report allowAll = GuardAgreement.measure(none, qs, RESPOND, GuardAgreement.REQUIRED);
            assertEquals(qs.size(), refuseAll.queries());
            assertEquals(3, refuseAll.conditions().size());
            // the independent count: respond's judgment per query, compared with screen's decision
            Map<String, Long> refusedByRespond = qs.stream().filter(q -> all.respond(q, RESPOND).refused())
                    .collect(Collectors.groupingBy(q -> all.screen(q).condition(), Collectors.counting()));
            for (int c = 0; c < 3; c++) {
                GuardAgreement.ConditionResult r = refuseAll.conditions().get(c), a = allowAll.conditions().get(c);
                assertEquals(r.condition(), a.condition());
                assertEquals(3, r.queries());
                assertEquals(refusedByRespond.getOrDefault(r.condition(), 0L), r.agreeing(), r.condition());
                assertEquals(r.queries(), r.agreeing() + a.agreeing(), "each query agrees under exactly one of the two extremes");
            }
            assertEquals(refuseAll.queries() - refuseAll.agreeing(), refuseAll.disagreements().size());
            for (GuardAgreement.Disagreement d : refuseAll.disagreements()) assertEquals(Verdict.Decision.REFUSE, d.screen());
            // random weights: answers rarely contain a refusal phrase, so "refuse everything" disagrees and fails the 98%
            assertFalse(refuseAll.passes());
            assertEquals(allowAll.agreeing() == allowAll.queries(), allowAll.passes());
            assertTrue(GuardAgreement.measure(none, qs, RESPOND, 0.0).passes() || allowAll.agreeing() == 0);
        }
    }

    @Test
    void failedQueriesAreListedAndFailTheMeasurement() throws Exception {
        try (Guard guard = Guard.open(GuardTestModel.shared().dir())) {
            List<GuardQuery> qs = List.of(GuardQuery.text("hello").withId("ok"), GuardQuery.wav(new byte[] {1, 2}, "x").withId("bad"));
            GuardAgreement.Report r = GuardAgreement.measure(guard, qs, RESPOND, 0.0);
            assertEquals(1, r.queries());
            assertEquals(1, r.errors().size());
            assertTrue(r.errors().get(0).contains("query bad"), r.errors().toString());
            assertFalse(r.passes());
            assertThrows(IllegalArgumentException.class, () -> GuardAgreement.measure(guard, List.of(), RESPOND, 0.98));
        }
    }
}
