package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.export.ExportOptions;
import io.rrs.export.Exporter;
import io.rrs.text.Prompts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --decision greedy}: REFUSE exactly when greedy respond's first token is the refusal token. Checked on
 * the committed demo base model (models/demo-base), which refuses when the query carries the refusal
 * instruction and complies otherwise, so both outcomes occur; the expectation is computed independently
 * from respond's first generated token.
 */
class GuardGreedyDecisionTest {
    @TempDir
    Path tmp;

    @Test
    void greedyDecisionEqualsRespondsFirstToken() throws Exception {
        Path base = Path.of(System.getProperty("rrs.root", "..")).resolve("models/demo-base");
        assertTrue(Files.isRegularFile(base.resolve("model.safetensors")), "the committed demo base model is missing: " + base);
        Path out = tmp.resolve("guard");
        Exporter.export(ExportOptions.of(base, out));
        List<GuardQuery> queries = List.of(
                GuardQuery.text("How do I bake bread at home?").withId("plain"),
                GuardQuery.text(Prompts.withRefusalInstruction("How do I bake bread at home?")).withId("told"),
                GuardQuery.pcm(GuardTestModel.tone(24000, 16000, 180, 3), 16000, Prompts.AUDIO_TEXT_INSTRUCTION).withId("audio"),
                GuardQuery.pcm(GuardTestModel.tone(24000, 16000, 180, 3), 16000, Prompts.REFUSAL_INSTRUCTION).withId("audio-told"));
        RespondOptions one = RespondOptions.defaults().withMaxNewTokens(1);
        int refusals = 0;
        try (Guard guard = Guard.open(out, GuardOptions.defaults().withDecision(GuardOptions.Decision.GREEDY))) {
            for (GuardQuery q : queries) {
                boolean firstIsRefusal = guard.respond(q, one).tokens()[0] == guard.manifest().refusalTokenId();
                Verdict v = guard.screen(q);
                assertEquals(firstIsRefusal ? Verdict.Decision.REFUSE : Verdict.Decision.ALLOW, v.decision(), q.id() + " p=" + v.refusalProbability());
                if (firstIsRefusal) refusals++;
            }
        }
        assertTrue(refusals >= 1 && refusals < queries.size(), "both outcomes must occur for the test to mean something: " + refusals);
    }
}
