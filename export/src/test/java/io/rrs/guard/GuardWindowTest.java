package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.export.ExportOptions;
import io.rrs.export.Exporter;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.frontend.WhisperOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.ModelOutput;
import io.rrs.model.OpenedModel;
import io.rrs.model.RandomInit;
import io.rrs.model.Tensors;
import io.rrs.query.EncodedQuery;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatPrompt;
import io.rrs.text.Prompts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The export and the guard take the model folder's window, also where the audio tower's frame count
 * is not whole seconds (750 frames, which no whole-second window fills): the guard's verdict
 * on a clip longer than the window equals the libtorch forward on the trainer's encoding of it.
 */
class GuardWindowTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "max_source_positions {0}, chunk_length {1} -> {2} frames")
    @CsvSource({"375, 0, 700", "375, 5, 500"})
    void exportAndGuardUseTheModelFoldersWindow(int maxSourcePositions, int chunkSeconds, int expectedWindow) throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        RandomInit.write(ckpt, GuardTestModel.CONFIG.replace("\"max_source_positions\": 100", "\"max_source_positions\": " + maxSourcePositions), 11);
        Files.copy(GuardTestModel.tokenizerJson(), ckpt.resolve("tokenizer.json"));
        if (chunkSeconds > 0) PreprocessorConfig.write(ckpt, new WhisperOptions(80, 400, 160, 16000, chunkSeconds, true));
        Path out = tmp.resolve("guard");
        Exporter.export(ExportOptions.of(ckpt, out));

        float[] audio = GuardTestModel.quantised(GuardTestModel.tone(16000 * 9, 16000, 150, 2)); // longer than either window
        try (OpenedModel opened = OpenedModel.open(ckpt);
             Guard guard = Guard.open(out, GuardOptions.defaults().withLongAudio(GuardOptions.LongAudio.TRIM))) {
            QueryEncoder trainer = opened.queries();
            assertEquals(expectedWindow, trainer.windowFrames());
            assertEquals(expectedWindow, guard.manifest().frontEnd().chunkFrames());

            Verdict v = guard.screen(GuardQuery.wav(GuardTestModel.wav(audio, 16000), Prompts.AUDIO_TEXT_INSTRUCTION));
            assertTrue(v.audioTrimmed(), "a 9 s clip is cut to the window");
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                EncodedQuery q = trainer.encode(trainer.features(new io.rrs.audio.Audio(audio, 16000)),
                        p -> new ChatPrompt(io.rrs.text.InputCondition.AUDIO_TEXT, p, Prompts.AUDIO_TEXT_INSTRUCTION, Prompts.DEFAULT_SYSTEM));
                ModelInput in = ModelInput.of(trainer.batch(List.of(q), QueryEncoder.AudioPadding.WINDOW));
                ModelOutput ref = opened.model().forward(in);
                float[] logits = Tensors.toFloats(ref.logits());
                float[] last = java.util.Arrays.copyOfRange(logits, logits.length - 2048, logits.length);
                double expected = Guard.softmaxAt(last, opened.tokenizer().refusalTokenId());
                assertEquals(expected, v.refusalProbability(), 1e-4 * expected);
                assertEquals(in.length(), v.promptTokens());
            }
        }
    }
}
