package io.rrs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.text.InputCondition;
import io.rrs.training.LoraConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The demo's condition and penalty weight reach prepare and training, and a change is an input change (no mixing). */
class DemoSettingsTest {
    private static DemoSettings with(InputCondition condition, double penaltyWeight) {
        DemoSettings d = DemoSettings.defaults(Path.of("data"), Path.of("model"), Path.of("work"), Path.of("tokenizer.json"));
        return new DemoSettings(d.data(), d.model(), d.work(), d.tokenizer(), LoraConfig.DEFAULT, d.lr(), d.epochs(), d.batchSize(), d.accumulation(),
                null, 0, 0, d.maxNewTokens(), d.evalBatchSize(), 1, d.seed(), false, condition, penaltyWeight);
    }

    @Test
    void theWrittenPresetIsTheDefaultAndTheCommandSharesIt() {
        DemoSettings d = DemoSettings.defaults(Path.of("data"), Path.of("model"), Path.of("work"), Path.of("tokenizer.json"));
        assertEquals(InputCondition.TEXT_ONLY, DemoSettings.CONDITION);
        assertTrue(DemoSettings.PENALTY_WEIGHT > 0 && DemoSettings.PENALTY_WEIGHT < 1, "a fraction of the paper's penalty");
        assertEquals(DemoSettings.CONDITION, d.prepareConfig().condition());
        assertEquals(DemoSettings.PENALTY_WEIGHT, d.trainConfig().penaltyWeight());
        assertEquals(DemoSettings.LR, d.trainConfig().optimizer().learningRate());
        var spec = io.rrs.cli.Rrs.commandLine().getSubcommands().get("demo").getCommandSpec();
        assertEquals(DemoSettings.CONDITION, InputCondition.parse(spec.findOption("--condition").defaultValue()));
        assertEquals(DemoSettings.PENALTY_WEIGHT, Double.parseDouble(spec.findOption("--penalty-weight").defaultValue()));
        assertEquals(DemoSettings.LR, Double.parseDouble(spec.findOption("--lr").defaultValue()));
        assertEquals(DemoSettings.EPOCHS, Integer.parseInt(spec.findOption("--epochs").defaultValue()));
        assertEquals(DemoSettings.MODEL, spec.findOption("--model").defaultValue());
    }

    @Test
    void conditionAndPenaltyWeightReachPrepareAndTrainingAndTheRecordedInputs() {
        DemoSettings text = with(InputCondition.TEXT_ONLY, 0);
        assertEquals(InputCondition.TEXT_ONLY, text.prepareConfig().condition());
        assertEquals(0.0, text.trainConfig().penaltyWeight());
        DemoSettings paper = with(InputCondition.AUDIO_TEXT, 1);
        assertNotEquals(paper.prepareInputs(), text.prepareInputs(), "another condition must not reuse prepared representations");
        assertNotEquals(paper.trainInputs(), text.trainInputs(), "another penalty weight must not reuse a trained run");
        assertTrue(text.prepareInputs().get("condition").equals("text-only"), text.prepareInputs().toString());
        assertThrows(IllegalArgumentException.class, () -> with(InputCondition.TEXT_ONLY, -1));
    }
}
