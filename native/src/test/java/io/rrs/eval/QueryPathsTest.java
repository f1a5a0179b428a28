package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rrs.data.Manifest;
import io.rrs.data.PromptSplit;
import io.rrs.data.SpokenDataset;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.frontend.WhisperOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.OpenedModel;
import io.rrs.model.RandomInit;
import io.rrs.model.Tensors;
import io.rrs.pretrain.PretrainBatcher;
import io.rrs.pretrain.PretrainFiles;
import io.rrs.pretrain.PretrainMix;
import io.rrs.pretrain.PretrainTask;
import io.rrs.query.EncodedQuery;
import io.rrs.query.QueryEncoder;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One query through every trainer path (RRS prepare/train and SFT's batches, evaluation, pretraining)
 * at audio-tower sizes no whole-second window fills (750 frames, where rounding up, rounding down and
 * exact division give 8 s, 7 s and no window), with and without a {@code preprocessor_config.json}:
 * every path must give the same token ids, the same window and the same features.
 */
class QueryPathsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "max_source_positions {0}, chunk_length {1} -> {2} frames")
    @CsvSource({"375, 0, 700", "350, 0, 700", "1500, 0, 3000", "375, 5, 500"})
    void everyPathEncodesTheSameQuery(int maxSourcePositions, int chunkSeconds, int expectedWindow) throws Exception {
        Path modelDir = tmp.resolve("model");
        RandomInit.write(modelDir, EvalFixtures.TINY_CONFIG.replace("\"max_source_positions\": 300", "\"max_source_positions\": " + maxSourcePositions), 5);
        Files.copy(EvalFixtures.tokenizer(), modelDir.resolve("tokenizer.json"));
        if (chunkSeconds > 0) PreprocessorConfig.write(modelDir, new WhisperOptions(80, 400, 160, 16000, chunkSeconds, true));
        SpokenDataset data = SpokenDataset.open(EvalFixtures.dataset(tmp.resolve("data"), 1));
        Manifest.Entry entry = data.select(PromptSplit.Split.TEST, null).get(0);

        OpenedModel opened = OpenedModel.open(modelDir);
        QueryEncoder encoder = opened.queries();
        assertEquals(expectedWindow, encoder.windowFrames());
        EncodedQuery reference = encoder.encode(encoder.features(data.wav(entry)),
                positions -> EvalPrompts.prompt(InputCondition.AUDIO_TEXT, entry.text(), positions));

        try (PointerScope scope = new PointerScope()) {
            ModelInput training = new QueryBatches(encoder, QueryEncoder.AudioPadding.WINDOW, 0).encode(
                    List.of(new Query(entry.id(), entry.label(), entry.text(), data.wav(entry))), InputCondition.AUDIO_TEXT,
                    List.of(Prompts.AUDIO_TEXT_INSTRUCTION), false);
            QueryEncoder evalEncoder = OpenedModel.queryEncoder(modelDir, opened.model().config(), opened.template()); // what rrs eval builds
            ModelInput evaluation = new QueryInputs(evalEncoder, data).build(List.of(entry), InputCondition.AUDIO_TEXT);
            for (ModelInput in : List.of(training, evaluation)) {
                assertArrayEquals(Tensors.toLongs(in.inputIds()), java.util.Arrays.stream(reference.tokens().ids()).asLongStream().toArray());
                assertEquals(expectedWindow, in.audioFeatures().size(2), "the batch carries the model's window");
                assertEquals(reference.audio().validFrames(), in.audioFrames()[0]);
            }
            assertArrayEquals(Tensors.toFloats(training.audioFeatures()), Tensors.toFloats(evaluation.audioFeatures()));
            float[] window = new float[80 * expectedWindow];
            reference.audio().copyInto(window, 0, expectedWindow);
            assertArrayEquals(window, Tensors.toFloats(training.audioFeatures()));
        }

        if (chunkSeconds == 0) { // pretraining writes new folders: its window is the default of the tower it trains
            PretrainMix.Example example = new PretrainMix.Example(PretrainTask.AUDIO_TEXT_COMPLY, entry.id(), data.wav(entry), 0, entry.text(),
                    Prompts.AUDIO_TEXT_INSTRUCTION, true);
            QueryEncoder pretrainEncoder = new QueryEncoder(PretrainFiles.frontEnd(null, opened.model().config()), opened.template());
            EncodedQuery pretraining = new PretrainBatcher(pretrainEncoder).query(example);
            assertArrayEquals(reference.tokens().ids(), pretraining.tokens().ids());
            assertArrayEquals(reference.audio().melMajor(), pretraining.audio().melMajor());
            assertEquals(expectedWindow, pretraining.audio().windowFrames());
        }
    }
}
