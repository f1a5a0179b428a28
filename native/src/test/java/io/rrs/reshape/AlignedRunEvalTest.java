package io.rrs.reshape;

import io.rrs.training.AdamWConfig;
import io.rrs.eval.AdapterCheckpointLoader;
import io.rrs.training.Checkpoint;
import io.rrs.training.CorruptRunException;
import io.rrs.training.LoraConfig;
import io.rrs.training.QueryBatches;
import io.rrs.training.TrainConfig;
import io.rrs.training.TrainingLog;
import io.rrs.training.Progress;
import io.rrs.aligned.ReshapeAdapterLoader;
import io.rrs.training.TrainingFixtures;
import io.rrs.model.OpenedModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.cli.Rrs;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.model.safetensors.SafetensorsFile;
import io.rrs.text.InputCondition;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs eval --aligned RUN} on a short {@code rrs reshape train} run: the registered loader gives
 * base + the run's LoRA (checked against a forward pass built straight from the checkpoint's files,
 * independent of {@link LoraAdapters}), per-epoch checkpoints load their own adapters, the run's
 * training log becomes the loss plot, and a wrong base, a flipped bit or an untrained run are refused
 * by name.
 */
class AlignedRunEvalTest {
    @TempDir
    static Path tmp;
    static Path model, data, run;

    @BeforeAll
    static void trainedRun() throws IOException {
        model = TrainingFixtures.model(tmp.resolve("model"), 41);
        data = TrainingFixtures.dataset(tmp.resolve("data"), 3);
        run = tmp.resolve("run");
        ReshapePrepare.run(new PrepareConfig(model, data, run, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 4, 1,
                RrsObjective.Path.FUSED), Progress.none());
        // lr 1e-2 so four steps move B visibly; dropout 0.1 (the default) must be off when evaluating
        ReshapeTrainer.train(config(run), null, Progress.none(), (s, l) -> {});
    }

    /** 6 rows, batch 2 x 2 accumulation: 3 micro-batches, so 2 optimiser steps per epoch (the second after one micro-batch). */
    static TrainConfig config(Path runDir) {
        return new TrainConfig(runDir, null, LoraConfig.DEFAULT, new AdamWConfig(1e-2, 0.9, 0.98, 1e-8, 0.001, 1.0), 2, 2, 2, 7, true,
                RrsObjective.Path.FUSED, 0);
    }

    @Test
    void evalOfTheRunAnswersWithBasePlusTheTrainedLora() throws Exception {
        Path out = tmp.resolve("eval");
        int code = Rrs.commandLine().execute("eval", "--model", model.toString(), "--aligned", run.toString(), "--data", data.toString(),
                "--conditions", "text-only", "--max-new-tokens", "3", "--probe-limit", "-1", "--out", out.toString(), "--no-progress");
        assertEquals(0, code);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        String aligned = report.get("models").get("aligned").asText();
        assertTrue(aligned.contains("rrs reshape run, step-00000004"), aligned);
        // no --train-log: the run's train-log.jsonl is plotted
        assertTrue(report.get("plots").toString().contains("loss.png"), report.get("plots").toString());
        assertTrue(Files.size(out.resolve("loss.png")) > 0);

        Path latest = Checkpoint.latest(run);
        Tensor loaded = hidden(loaderFor(run).load(model, Qwen2AudioModel.load(model), run));
        Tensor again = hidden(loaderFor(run).load(model, Qwen2AudioModel.load(model), run));
        Tensor reference = hidden(adaptedFromFiles(latest));
        Tensor base = hidden(Qwen2AudioModel.load(model));
        double vsReference = maxDiff(loaded, reference), vsBase = maxDiff(loaded, base);
        assertTrue(vsReference < 1e-5, "loaded run vs base + s B A from the checkpoint files: " + vsReference);
        assertTrue(vsBase > 1e-3, "the trained adapters must change the representation; differs from the base by " + vsBase);
        assertEquals(0.0, maxDiff(loaded, again), "dropout is off: the same query gives the same hidden state");
    }

    @Test
    void aPerEpochCheckpointLoadsItsOwnAdaptersAndTheRunsLog() throws Exception {
        Path epoch1 = Checkpoint.checkpointsDir(run).resolve("step-00000002");
        AdapterCheckpointLoader loader = loaderFor(epoch1);
        Tensor loaded = hidden(loader.load(model, Qwen2AudioModel.load(model), epoch1));
        assertTrue(maxDiff(loaded, hidden(adaptedFromFiles(epoch1))) < 1e-5);
        assertTrue(maxDiff(loaded, hidden(adaptedFromFiles(Checkpoint.latest(run)))) > 1e-4, "epoch 1 is not the final checkpoint");
        assertTrue(loader.describe(epoch1).contains("step-00000002"), loader.describe(epoch1));
        assertEquals(run.resolve(TrainingLog.FILE_NAME).toAbsolutePath().normalize(), loader.trainingLog(epoch1));
    }

    @Test
    void aWrongBaseAFlippedBitAndAnUntrainedRunAreRefusedByName() throws Exception {
        Path otherConfig = tmp.resolve("other-model");
        io.rrs.model.RandomInit.write(otherConfig, TrainingFixtures.CONFIG.replace("1e-6", "1e-5"), 41);
        IOException wrongBase = assertThrows(IOException.class,
                () -> new ReshapeAdapterLoader().load(otherConfig, Qwen2AudioModel.load(otherConfig), run));
        assertTrue(wrongBase.getMessage().contains(otherConfig.toString()) && wrongBase.getMessage().contains("config.json differs"),
                wrongBase.getMessage());

        Path copy = tmp.resolve("corrupt-run");
        copyTree(run, copy);
        Path adapter = Checkpoint.latest(copy).resolve(Checkpoint.ADAPTER);
        try (RandomAccessFile f = new RandomAccessFile(adapter.toFile(), "rw")) {
            f.seek(f.length() - 5);
            int b = f.read();
            f.seek(f.length() - 5);
            f.write(b ^ 0x01);
        }
        CorruptRunException flipped = assertThrows(CorruptRunException.class,
                () -> new ReshapeAdapterLoader().load(model, Qwen2AudioModel.load(model), copy));
        assertTrue(flipped.getMessage().contains(adapter.toString()) && flipped.getMessage().contains("corrupted"), flipped.getMessage());

        Path untrained = tmp.resolve("untrained");
        copyTree(run.resolve(PreparedRun.DIR), untrained.resolve(PreparedRun.DIR));
        assertTrue(new ReshapeAdapterLoader().accepts(untrained), "a prepared run is recognised, so the error can say what is missing");
        IOException none = assertThrows(IOException.class, () -> new ReshapeAdapterLoader().load(model, Qwen2AudioModel.load(model), untrained));
        assertTrue(none.getMessage().contains("no checkpoint yet") && none.getMessage().contains("rrs reshape train"), none.getMessage());
        assertTrue(!new ReshapeAdapterLoader().accepts(model), "a model folder is not a run");
    }

    /** The registered loader that accepts {@code path}, found the way rrs eval finds it. */
    private static AdapterCheckpointLoader loaderFor(Path path) {
        for (AdapterCheckpointLoader l : ServiceLoader.load(AdapterCheckpointLoader.class)) if (l.accepts(path)) return l;
        throw new AssertionError("no registered AdapterCheckpointLoader accepts " + path);
    }

    /** The base with y = W x + s (x A^T) B^T built from the checkpoint's adapter.safetensors and adapter_config.json. */
    private static Qwen2AudioModel adaptedFromFiles(Path checkpointDir) throws IOException {
        JsonNode config = new ObjectMapper().readTree(checkpointDir.resolve("adapter_config.json").toFile());
        double scale = config.get("lora_alpha").asDouble() / config.get("r").asInt();
        SafetensorsFile file = SafetensorsFile.open(checkpointDir.resolve(Checkpoint.ADAPTER));
        java.util.Map<String, Tensor> factors = new java.util.HashMap<>();
        for (String name : file.entries().keySet()) factors.put(name, Tensors.keep(file.tensor(name).clone()));
        Qwen2AudioModel m = Qwen2AudioModel.load(model);
        int[] adapted = {0};
        m.adaptDecoderProjections((name, base) -> {
            Tensor a = factors.get(name + ".lora_A.weight"), b = factors.get(name + ".lora_B.weight");
            adapted[0]++;
            return x -> base.forward(x).add(x.matmul(a.t()).matmul(b.t()).mul(Tensors.scalar(scale)));
        });
        assertEquals(7 * TrainingFixtures.LAYERS, adapted[0]);
        return m;
    }

    /** Last-token hidden state of the first training query (audio + text), as training computes it. */
    private static Tensor hidden(Qwen2AudioModel m) throws IOException {
        PreparedRun prepared = PreparedRun.load(run);
        OpenedModel opened = OpenedModel.open(model);
        QueryBatches encoder = new QueryBatches(opened.queries(), prepared.audioPadding(), 0);
        try (NoGradGuard g = new NoGradGuard()) {
            ModelInput in = encoder.encode(List.of(prepared.queries().get(0)), prepared.condition(), List.of(io.rrs.text.Prompts.AUDIO_TEXT_INSTRUCTION), false);
            return Tensors.keep(m.lastTokenHidden(in).clone());
        }
    }

    private static double maxDiff(Tensor x, Tensor y) {
        return x.sub(y).abs().max().item_double();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
