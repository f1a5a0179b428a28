package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.guard.GuardManifest;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.query.QueryEncoder;
import io.rrs.sft.SftData;
import io.rrs.sft.SftTrainer;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.training.AdamWConfig;
import io.rrs.aligned.AlignedRun;
import io.rrs.training.Checkpoint;
import io.rrs.training.LoraConfig;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs export MODEL --lora RUN/checkpoints/step-N} for an {@code rrs sft train} checkpoint: the adapters
 * (same files and names as a reshape checkpoint) are merged and pass the parity check against the trainer's LoRA
 * forward; guard.json names the sft checkpoint, has no delta_m (an sft run has no prepare output) and the default
 * threshold; a base other than the one sft.json records is refused.
 */
class ExportSftRunTest {
    @TempDir
    Path tmp;

    @Test
    void anSftCheckpointExportsLikeAReshapeOne() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 3);
        Path run = tmp.resolve("sft");
        SftTrainer.train(new SftData(ckpt, ExportReshapeRunTest.dataset(tmp.resolve("data")), InputCondition.AUDIO_TEXT, 0, 5, SftData.Benign.SELF,
                        Prompts.REFUSAL_ANSWER, 4, 6, QueryEncoder.AudioPadding.WINDOW),
                new TrainConfig(run, ckpt, LoraConfig.DEFAULT, new AdamWConfig(1e-2, 0.9, 0.98, 1e-8, 0.001, 1.0), 6, 1, 2, 5, true, null, 0),
                null, Progress.none(), Progress.none(), (s, l) -> {});
        Path checkpoint = Checkpoint.checkpointsDir(run).resolve("step-00000002");
        Path out = tmp.resolve("out");
        int code = io.rrs.cli.Rrs.commandLine().execute("export", ckpt.toString(), "--out", out.toString(), "--lora", checkpoint.toString());
        assertEquals(0, code, "export of base + sft checkpoint must pass the parity check");

        JsonNode guard = new ObjectMapper().readTree(out.resolve(GuardManifest.FILE).toFile());
        assertTrue(guard.path("lora").asText().contains("rrs sft run, step-00000002"), guard.path("lora").asText());
        assertTrue(guard.path("delta_m").isNull(), guard.path("delta_m").toString());
        assertFalse(guard.path("threshold").path("calibrated").asBoolean(), guard.path("threshold").toString());
        assertTrue(guard.path("parity").path("max_abs_diff").asDouble() <= ExportOptions.DEFAULT_TOLERANCE, guard.path("parity").toString());
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            ModelInput text = ModelInput.of(new long[][] {{11, 523, 97, 1400, 8, 77}}, new long[][] {{1, 1, 1, 1, 1, 1}});
            Tensor base = Qwen2AudioModel.load(ckpt).forward(text).logits();
            Tensor adapted = AlignedRun.open(checkpoint).applyTo(Qwen2AudioModel.load(ckpt)).forward(text).logits();
            double change = adapted.sub(base).abs().max().item_double();
            assertTrue(change > 100 * ExportOptions.DEFAULT_TOLERANCE, "the sft adapters change the logits by only " + change);
        }

        Path other = tmp.resolve("other");
        io.rrs.model.RandomInit.write(other, TinyCheckpoint.CONFIG.replace("1e-6", "1e-5"), 3);
        Files.copy(TinyCheckpoint.tokenizerJson(), other.resolve("tokenizer.json"));
        IOException e = assertThrows(IOException.class, () -> Exporter.export(ExportOptions.of(other, tmp.resolve("out2")).withLora(checkpoint)));
        assertTrue(e.getMessage().contains("sft run") && e.getMessage().contains("config.json differs"), e.getMessage());
    }
}
