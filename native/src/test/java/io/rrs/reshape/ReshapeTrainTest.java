package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.frontend.PreprocessorConfig;
import io.rrs.frontend.WhisperOptions;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.model.Compute;
import io.rrs.text.InputCondition;
import io.rrs.training.AdamWConfig;
import io.rrs.training.Checkpoint;
import io.rrs.training.CorruptRunException;
import io.rrs.training.FormatTags;
import io.rrs.training.LoraConfig;
import io.rrs.training.NonFiniteLossException;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import io.rrs.training.TrainingFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs reshape train} on a random tiny model: the loss falls, checkpoints load, a run killed after
 * a checkpoint and resumed ends with exactly the parameters of an uninterrupted run, corrupted or
 * half-written checkpoints are named and refused, and a non-finite loss stops the run keeping the last
 * good checkpoint.
 */
class ReshapeTrainTest {
    @TempDir
    static Path tmp;
    static Path model, data;

    /** Thrown by a step listener to stop training the way a kill would (nothing after it runs). */
    static final class SimulatedKill extends RuntimeException {}

    @BeforeAll
    static void fixtures() throws IOException {
        model = TrainingFixtures.model(tmp.resolve("model"), 31);
        data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
    }

    /** A prepared run copied per test (prepare once: it is deterministic, and copying is faster). */
    private static Path preparedRun(String name) throws IOException {
        return preparedRun(name, InputCondition.AUDIO_TEXT);
    }

    private static Path preparedRun(String name, InputCondition condition) throws IOException {
        Path shared = tmp.resolve("prepared-" + condition);
        if (!Files.exists(shared.resolve(PreparedRun.DIR)))
            ReshapePrepare.run(new PrepareConfig(model, data, shared, condition, FeatureMask.positive(), 0, 4, 1,
                    RrsObjective.Path.FUSED), Progress.none());
        Path run = tmp.resolve(name);
        Files.createDirectories(run.resolve(PreparedRun.DIR));
        try (var files = Files.list(shared.resolve(PreparedRun.DIR))) {
            for (Path f : files.toList()) Files.copy(f, run.resolve(PreparedRun.DIR).resolve(f.getFileName()));
        }
        return run;
    }

    private static TrainConfig config(Path run, double lr, int epochs, int saveEvery) {
        return config(run, lr, epochs, saveEvery, true);
    }

    private static TrainConfig config(Path run, double lr, int epochs, int saveEvery, boolean pool) {
        return config(run, lr, epochs, saveEvery, pool, LoraConfig.DEFAULT);
    }

    private static TrainConfig config(Path run, double lr, int epochs, int saveEvery, boolean pool, LoraConfig lora) {
        return new TrainConfig(run, null, lora, new AdamWConfig(lr, 0.9, 0.98, 1e-8, 0.001, 1.0), 4, 2, epochs, 99, pool,
                RrsObjective.Path.FUSED, saveEvery);
    }

    private static double epochMean(List<Checkpoint.StepLoss> losses, int epoch) {
        return losses.stream().filter(l -> l.epoch() == epoch).mapToDouble(Checkpoint.StepLoss::loss).average().orElseThrow();
    }

    /**
     * A random model hardly separates harmful from benign at the last prompt token (its h0 barely depends on
     * the question), so the class-dependent part of the targets is out of reach in a few steps; with 9 harmful
     * and 3 benign queries the targets share a common shift (0.5 delta_m) that LoRA can learn, so the loss must
     * fall towards 0.75 of its start. The first loss checks the plumbing: at B = 0 and without the prompt
     * pool h equals h0, so it is exactly mean(delta_m^2).
     */
    @Test
    void lossFallsAndTheCheckpointHoldsTheTrainedAdapters() throws Exception {
        Path run = tmp.resolve("falls");
        ReshapePrepare.run(new PrepareConfig(model, TrainingFixtures.dataset(tmp.resolve("data-9-3"), 9, 3), run, InputCondition.AUDIO_TEXT,
                FeatureMask.positive(), 0, 4, 1, RrsObjective.Path.FUSED), Progress.none());
        ReshapeTrainer.Result result = ReshapeTrainer.train(config(run, 3e-3, 8, 0, false), null, Progress.none(), (s, l) -> {});
        List<Checkpoint.StepLoss> losses = result.state().losses();
        assertEquals(8 * 2, losses.size(), "12 queries, batch 4 x 2 accumulation: 2 optimiser steps per epoch");
        Tensor deltaMasked = PreparedRun.load(run).tensor("delta_masked");
        double expectedFirst = deltaMasked.mul(deltaMasked).mean().item_double();
        // step 1 averages two micro-batches whose losses are both mean(delta_m^2) (+ a zero penalty)
        assertEquals(expectedFirst, losses.get(0).loss(), 1e-5 * expectedFirst, "h = h0 before training");
        double last = (epochMean(losses, 6) + epochMean(losses, 7)) / 2; // measured: 0.79 of the start
        assertTrue(last < 0.85 * expectedFirst, "loss must fall: start " + expectedFirst + ", epochs 7-8 " + last);
        assertTrue(result.samplesPerSecond() > 0);

        Path latest = Checkpoint.latest(run);
        assertEquals(result.lastCheckpoint(), latest);
        assertEquals(8, Checkpoint.checkpointsDir(run).toFile().list((d, n) -> n.startsWith("step-")).length, "one checkpoint per epoch");
        Checkpoint c = Checkpoint.load(latest);
        assertEquals(8, c.state().epoch());
        assertEquals(16, c.state().optimizerSteps());
        assertEquals(16, c.optimizerStepCount());
        assertEquals(7 * TrainingFixtures.LAYERS * 2, c.adapter().size());
        double bNorm = c.adapter().entrySet().stream().filter(e -> e.getKey().endsWith("lora_B.weight"))
                .mapToDouble(e -> e.getValue().abs().max().item_double()).max().orElseThrow();
        assertTrue(bNorm > 0, "B moved away from zero");
    }

    /** The device-generic path on the CPU: bf16 activations over float32 weights, LoRA, AdamW and the fused loss in float32. */
    @Test
    void prepareAndTrainRunInBfloat16Compute() throws Exception {
        Compute bf16 = new Compute("cpu", org.bytedeco.pytorch.global.torch.ScalarType.BFloat16);
        Path run = tmp.resolve("bf16-compute");
        ReshapePrepare.run(new PrepareConfig(model, data, run, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 4, 1,
                RrsObjective.Path.FUSED, io.rrs.query.QueryEncoder.AudioPadding.WINDOW, bf16), Progress.none());
        Tensor h0 = PreparedRun.load(run).tensor("h0"), h0Float = PreparedRun.load(preparedRun("bf16-reference")).tensor("h0");
        double relative = h0.sub(h0Float).norm().item_double() / h0Float.norm().item_double();
        assertTrue(relative < 0.03, "bf16 representations within bf16 rounding of float32's: " + relative);
        ReshapeTrainer.Result r = ReshapeTrainer.train(config(run, 1e-3, 2, 0).withCompute(bf16), null, Progress.none(), (s, l) -> {});
        for (Checkpoint.StepLoss l : r.state().losses()) assertTrue(Double.isFinite(l.loss()) && l.loss() > 0, "finite loss " + l);
        for (Tensor p : Checkpoint.load(r.lastCheckpoint()).adapter().values())
            assertEquals(org.bytedeco.pytorch.global.torch.ScalarType.Float, p.scalar_type().intern(), "LoRA factors stay float32");
    }

    @Test
    void activationCheckpointingTrainsTheSameAdapters() throws Exception {
        Path plain = preparedRun("kept-activations"), recomputed = preparedRun("recomputed-activations");
        ReshapeTrainer.Result a = ReshapeTrainer.train(config(plain, 1e-3, 2, 0), null, Progress.none(), (s, l) -> {});
        ReshapeTrainer.Result b = ReshapeTrainer.train(config(recomputed, 1e-3, 2, 0).withActivationCheckpointing(true), null, Progress.none(), (s, l) -> {});
        List<Checkpoint.StepLoss> la = a.state().losses(), lb = b.state().losses();
        assertEquals(la.size(), lb.size());
        for (int i = 0; i < la.size(); i++) assertEquals(la.get(i).loss(), lb.get(i).loss(), 1e-6 * Math.abs(la.get(i).loss()), "step " + i);
        Map<String, Tensor> pa = Checkpoint.load(a.lastCheckpoint()).adapter(), pb = Checkpoint.load(b.lastCheckpoint()).adapter();
        assertEquals(pa.keySet(), pb.keySet());
        for (String name : pa.keySet())
            assertTrue(pa.get(name).sub(pb.get(name)).abs().max().item_double() < 1e-6, name + ": dropout masks and gradients recomputed alike");
    }

    @Test
    void resumeAfterAKillEqualsAnUninterruptedRun() throws Exception {
        Path straight = preparedRun("straight");
        ReshapeTrainer.train(config(straight, 1e-3, 3, 0), null, Progress.none(), (s, l) -> {});

        // Killed in epoch 2 after its first optimiser step: the epoch-1 checkpoint (step 2) is the last good one.
        Path killed = preparedRun("killed");
        assertThrows(SimulatedKill.class, () -> ReshapeTrainer.train(config(killed, 1e-3, 3, 0), null, Progress.none(), (s, l) -> {
            if (s == 3) throw new SimulatedKill();
        }));
        Path latest = Checkpoint.latest(killed);
        assertEquals("step-00000002", latest.getFileName().toString());
        // a checkpoint write interrupted by the kill leaves a temporary directory: it must be ignored
        Files.createDirectories(Checkpoint.checkpointsDir(killed).resolve(".tmp-step-00000003-123"));
        Files.writeString(Checkpoint.checkpointsDir(killed).resolve(".tmp-step-00000003-123/adapter.safetensors"), "half");
        ReshapeTrainer.Result resumed = ReshapeTrainer.train(config(killed, 1e-3, 3, 0), latest, Progress.none(), (s, l) -> {});

        Checkpoint a = Checkpoint.load(Checkpoint.latest(straight)), b = Checkpoint.load(Checkpoint.latest(killed));
        assertEquals(a.state().optimizerSteps(), b.state().optimizerSteps());
        assertEquals(a.state().losses(), b.state().losses(), "same loss at every step");
        assertIdentical(a.adapter(), b.adapter());
        assertIdentical(a.optimizer(), b.optimizer());
        assertEquals(6, resumed.state().optimizerSteps());
    }

    @Test
    void midEpochCheckpointsResumeExactlyToo() throws Exception {
        Path straight = preparedRun("mid-straight");
        ReshapeTrainer.train(config(straight, 1e-3, 2, 1), null, Progress.none(), (s, l) -> {});
        Path killed = preparedRun("mid-killed");
        assertThrows(SimulatedKill.class, () -> ReshapeTrainer.train(config(killed, 1e-3, 2, 1), null, Progress.none(), (s, l) -> {
            if (s == 3) throw new SimulatedKill(); // after step 3 (mid epoch 2) was saved
        }));
        Checkpoint mid = Checkpoint.load(Checkpoint.latest(killed));
        assertEquals(1, mid.state().epoch());
        assertEquals(2, mid.state().nextBatch(), "continues at the third micro-batch of epoch 2");
        ReshapeTrainer.train(config(killed, 1e-3, 2, 1), Checkpoint.latest(killed), Progress.none(), (s, l) -> {});
        assertIdentical(Checkpoint.load(Checkpoint.latest(straight)).adapter(), Checkpoint.load(Checkpoint.latest(killed)).adapter());
    }

    @Test
    void corruptedAndHalfWrittenCheckpointsAreNamedNotLoaded() throws Exception {
        Path run = preparedRun("corrupt");
        ReshapeTrainer.train(config(run, 1e-3, 2, 0), null, Progress.none(), (s, l) -> {});
        Path latest = Checkpoint.latest(run);
        FormatTags.assertOwned(latest.resolve(Checkpoint.MANIFEST), Checkpoint.FORMAT, "train again", () -> Checkpoint.load(latest));
        Path adapter = latest.resolve(Checkpoint.ADAPTER);
        byte[] original = Files.readAllBytes(adapter);

        try (RandomAccessFile f = new RandomAccessFile(adapter.toFile(), "rw")) { // one flipped bit in the data
            f.seek(original.length - 3);
            f.write(original[original.length - 3] ^ 0x10);
        }
        CorruptRunException flipped = assertThrows(CorruptRunException.class, () -> Checkpoint.load(latest));
        assertTrue(flipped.getMessage().contains(adapter.toString()) && flipped.getMessage().contains("corrupted"), flipped.getMessage());
        IOException resume = assertThrows(IOException.class,
                () -> ReshapeTrainer.train(config(run, 1e-3, 3, 0), latest, Progress.none(), (s, l) -> {}));
        assertTrue(resume.getMessage().contains(Checkpoint.ADAPTER), resume.getMessage());

        Files.write(adapter, java.util.Arrays.copyOf(original, original.length / 2)); // half-written
        CorruptRunException half = assertThrows(CorruptRunException.class, () -> Checkpoint.load(latest));
        assertTrue(half.getMessage().contains(adapter.toString()) && half.getMessage().contains("truncated"), half.getMessage());

        Files.write(adapter, original);
        Files.delete(latest.resolve(Checkpoint.MANIFEST)); // a directory without its manifest is incomplete
        CorruptRunException incomplete = assertThrows(CorruptRunException.class, () -> Checkpoint.load(latest));
        assertTrue(incomplete.getMessage().contains(Checkpoint.MANIFEST), incomplete.getMessage());

        Files.writeString(Checkpoint.checkpointsDir(run).resolve(Checkpoint.LATEST), "step-00000099\n");
        CorruptRunException dangling = assertThrows(CorruptRunException.class, () -> Checkpoint.latest(run));
        assertTrue(dangling.getMessage().contains("step-00000099"), dangling.getMessage());
    }

    @Test
    void aNonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path run = preparedRun("diverges");
        // lr 1e30 with a checkpoint per step: step 1 is finite and saved, then the parameters overflow
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                () -> ReshapeTrainer.train(config(run, 1e30, 3, 1), null, Progress.none(), (s, l) -> {}));
        assertTrue(e.getMessage().contains("epoch 1") && e.getMessage().contains("step-00000001"), e.getMessage());
        Checkpoint kept = Checkpoint.load(Checkpoint.latest(run));
        assertEquals(1, kept.state().optimizerSteps());
        assertTrue(Double.isFinite(kept.state().losses().get(0).loss()));
    }

    @Test
    void aFrontEndChangedAfterPrepareIsRefused() throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("model-window"));
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        Path run = tmp.resolve("window");
        ReshapePrepare.run(new PrepareConfig(copy, data, run, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 4, 1, RrsObjective.Path.FUSED),
                Progress.none());
        PreprocessorConfig.write(copy, new WhisperOptions(80, 400, 160, 16000, 1, true)); // another window than the default prepare used
        TrainConfig changed = new TrainConfig(run, copy, LoraConfig.DEFAULT, new AdamWConfig(1e-3, 0.9, 0.98, 1e-8, 0.001, 1.0), 4, 2, 1, 99,
                true, RrsObjective.Path.FUSED, 0);
        IOException e = assertThrows(IOException.class, () -> ReshapeTrainer.train(changed, null, Progress.none(), (step, loss) -> {}));
        assertTrue(e.getMessage().contains("prepare used") && e.getMessage().contains(PreprocessorConfig.FILE), e.getMessage());
    }

    @Test
    void settingsAreValidatedWithTheOptionToFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(tmp, null, null, null, 0, 2, 10, 1, true, null, 0));
        assertTrue(e.getMessage().contains("--batch-size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(5e-5, 0.9, 1.0, 1e-8, 0.001, 1));
        assertTrue(e.getMessage().contains("beta2"), e.getMessage());
        TrainConfig d = TrainConfig.defaults(tmp);
        assertEquals(16, d.lora().rank());
        assertEquals(4.0, d.lora().alpha());
        assertEquals(0.1, d.lora().dropout());
        assertEquals(5e-5, d.optimizer().learningRate());
        assertEquals(0.98, d.optimizer().beta2());
        assertEquals(4, d.batchSize());
        assertEquals(2, d.accumulationSteps());
        assertEquals(10, d.epochs());
        assertEquals(d, TrainConfig.fromJson(d.toJson(), tmp, null), "settings round-trip through a checkpoint");
    }

    private static void assertIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertNotNull(actual.get(name));
            double diff = expected.get(name).sub(actual.get(name)).abs().max().item_double();
            assertEquals(0.0, diff, name + " differs by " + diff);
        }
    }
}
