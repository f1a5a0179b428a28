package io.rrs.export;

import io.rrs.audio.WavEncoder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.data.Manifest;
import io.rrs.guard.GuardManifest;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.text.InputCondition;
import io.rrs.training.AdamWConfig;
import io.rrs.aligned.AlignedRun;
import io.rrs.training.Checkpoint;
import io.rrs.training.LoraConfig;
import io.rrs.reshape.PrepareConfig;
import io.rrs.reshape.PreparedRun;
import io.rrs.training.Progress;
import io.rrs.reshape.ReshapePrepare;
import io.rrs.reshape.ReshapeTrainer;
import io.rrs.training.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs export --lora RUN}: a short {@code rrs reshape train} run on the tiny random model exports
 * with the run's adapters merged (parity against the trainer's own LoRA forward, which differs visibly
 * from the base), and guard.json takes delta_m and the calibrated threshold from the run's prepare
 * output; an explicit --delta-m still wins, and a run trained on another base is refused.
 */
class ExportReshapeRunTest {
    @TempDir
    Path tmp;

    @Test
    void exportOfAReshapeRunMergesItsAdaptersAndTakesDeltaMAndCalibrationFromIt() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 3);
        Path run = trainedRun(ckpt);
        Path out = tmp.resolve("out");
        int code = io.rrs.cli.Rrs.commandLine().execute("export", ckpt.toString(), "--out", out.toString(), "--lora", run.toString());
        assertEquals(0, code, "export of base + reshape run must pass the parity check");

        JsonNode guard = new ObjectMapper().readTree(out.resolve(GuardManifest.FILE).toFile());
        float[] runDeltaM = Tensors.toFloats(PreparedRun.load(run).tensor("delta_masked").contiguous());
        JsonNode values = guard.path("delta_m").path("values");
        assertEquals(runDeltaM.length, values.size());
        for (int i = 0; i < runDeltaM.length; i++) assertEquals(runDeltaM[i], (float) values.get(i).asDouble(), "delta_m[" + i + "]");
        assertTrue(guard.path("delta_m").path("source").asText().contains(run.toString()), guard.path("delta_m").toString());
        JsonNode threshold = guard.path("threshold");
        assertTrue(threshold.path("calibrated").asBoolean(), threshold.toString());
        assertEquals(3, threshold.path("harmful").asInt(), threshold.toString());
        assertEquals(3, threshold.path("benign").asInt(), threshold.toString());
        assertTrue(guard.path("lora").asText().contains("step-00000002"), guard.path("lora").asText());
        assertTrue(guard.path("parity").path("max_abs_diff").asDouble() <= ExportOptions.DEFAULT_TOLERANCE, guard.path("parity").toString());

        // parity compared the graphs with base + LoRA; that only proves the merge if LoRA changes the outputs beyond the tolerance
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            ModelInput text = ModelInput.of(new long[][] {{11, 523, 97, 1400, 8, 77}}, new long[][] {{1, 1, 1, 1, 1, 1}});
            Tensor base = Qwen2AudioModel.load(ckpt).forward(text).logits();
            Tensor adapted = AlignedRun.open(run).applyTo(Qwen2AudioModel.load(ckpt)).forward(text).logits();
            double change = adapted.sub(base).abs().max().item_double();
            assertTrue(change > 100 * ExportOptions.DEFAULT_TOLERANCE, "the run's adapters change the logits by only " + change);
        }

        // explicit --delta-m wins over the run's; a checkpoint directory is read like its run
        Path ones = tmp.resolve("ones.npy");
        io.rrs.io.Npy.writeFloat32(ones, new float[runDeltaM.length], runDeltaM.length);
        Path epoch1 = Checkpoint.checkpointsDir(run).resolve("step-00000001");
        Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, tmp.resolve("out2")).withLora(epoch1).withDeltaM(ones));
        JsonNode guard2 = new ObjectMapper().readTree(r.manifest().toFile());
        assertEquals("ones.npy", guard2.path("delta_m").path("source").asText());
        assertEquals(0.0, guard2.path("delta_m").path("values").get(0).asDouble());
        assertTrue(guard2.path("lora").asText().contains("step-00000001"), guard2.path("lora").asText());
        assertTrue(guard2.path("threshold").path("calibrated").asBoolean());
    }

    @Test
    void aRunTrainedOnAnotherBaseIsRefused() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 3);
        Path run = trainedRun(ckpt);
        Path other = tmp.resolve("other");
        io.rrs.model.RandomInit.write(other, TinyCheckpoint.CONFIG.replace("1e-6", "1e-5"), 3);
        Files.copy(TinyCheckpoint.tokenizerJson(), other.resolve("tokenizer.json"));
        IOException e = assertThrows(IOException.class, () -> Exporter.export(ExportOptions.of(other, tmp.resolve("out")).withLora(run)));
        assertTrue(e.getMessage().contains("config.json differs") && e.getMessage().contains(other.toAbsolutePath().toString()), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("out").resolve(GuardManifest.FILE)));
    }

    /** prepare + 2 epochs of training (lr 1e-2, so B moves) on 3 harmful and 3 benign synthetic spoken queries. */
    private Path trainedRun(Path model) throws IOException {
        Path data = dataset(tmp.resolve("data"));
        Path run = tmp.resolve("run");
        ReshapePrepare.run(new PrepareConfig(model, data, run, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 6, 1,
                RrsObjective.Path.FUSED), Progress.none());
        ReshapeTrainer.train(new TrainConfig(run, null, LoraConfig.DEFAULT, new AdamWConfig(1e-2, 0.9, 0.98, 1e-8, 0.001, 1.0), 6, 1, 2, 5,
                true, RrsObjective.Path.FUSED, 0), null, Progress.none(), (s, l) -> {});
        return run;
    }

    /** Three harmful (low tones) and three benign (high tones) train utterances, as 'rrs data build' lays them out. */
    static Path dataset(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("wav/train"));
        List<Manifest.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            boolean harmful = i % 2 == 0;
            String id = (harmful ? "h" : "b") + i + "-en-us-145", rel = "wav/train/" + id + ".wav";
            double seconds = 0.6 + 0.2 * i;
            writeTone(dir.resolve(rel), seconds, harmful ? 180 + 40 * i : 1900 + 90 * i);
            entries.add(new Manifest.Entry(id, (harmful ? "h" : "b") + i, (harmful ? "How do I hurt someone? " : "How do I bake bread? ") + i,
                    harmful ? "harmful" : "benign", "test_category", "train", "en-us", 145, rel, seconds));
        }
        Manifest.write(dir.resolve(Manifest.FILE), entries);
        return dir;
    }

    private static void writeTone(Path file, double seconds, double hz) throws IOException {
        int n = (int) (seconds * 16000);
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) pcm[i] = (short) Math.round(12000 * Math.sin(Math.PI * i / n) * Math.sin(2 * Math.PI * hz * i / 16000.0));
        WavEncoder.writePcm16(file, pcm, 16000);
    }
}
