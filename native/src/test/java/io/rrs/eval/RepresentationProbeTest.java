package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.data.Manifest;
import io.rrs.data.PromptSplit;
import io.rrs.data.SpokenDataset;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import io.rrs.text.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PCA probe reads the representations of the condition it is given (eval --probe-condition). */
class RepresentationProbeTest {
    @TempDir
    static Path tmp;

    @Test
    void eachConditionGivesThatPromptsLastTokenState() throws Exception {
        Path modelDir = EvalFixtures.tinyModel(tmp.resolve("model"), 3);
        SpokenDataset data = SpokenDataset.open(EvalFixtures.dataset(tmp.resolve("data"), 2));
        Qwen2AudioModel model = Qwen2AudioModel.load(modelDir);
        QueryInputs inputs = new QueryInputs(io.rrs.model.OpenedModel.queryEncoder(modelDir, model.config(), new ChatTemplate(TextTokenizer.open(EvalFixtures.tokenizer()))), data);
        List<Manifest.Entry> test = data.select(PromptSplit.Split.TEST, null);
        List<Manifest.Entry> harmful = test.stream().filter(e -> e.label().equals("harmful")).toList();
        List<Manifest.Entry> benign = test.stream().filter(e -> e.label().equals("benign")).toList();
        Map<String, double[][]> text = new RepresentationProbe(inputs, 4, InputCondition.TEXT_ONLY).represent(model, harmful, benign);
        Map<String, double[][]> audio = new RepresentationProbe(inputs, 4, InputCondition.AUDIO_TEXT).represent(model, harmful, benign);
        float[] expected;
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            expected = Tensors.toFloats(model.lastTokenHidden(inputs.build(List.of(harmful.get(0)), InputCondition.TEXT_ONLY)));
        }
        double[] row = text.get("harmful")[0];
        double differsFromAudio = 0;
        for (int j = 0; j < row.length; j++) {
            assertEquals(expected[j], row[j], 1e-4, "feature " + j);
            differsFromAudio = Math.max(differsFromAudio, Math.abs(row[j] - audio.get("harmful")[0][j]));
        }
        assertTrue(differsFromAudio > 1e-3, "text-only and audio-text prompts must give different states: " + differsFromAudio);
    }
}
