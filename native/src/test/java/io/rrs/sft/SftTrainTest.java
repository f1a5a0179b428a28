package io.rrs.sft;

import io.rrs.training.StepListener;
import io.rrs.aligned.SftAdapterLoader;
import io.rrs.aligned.ReshapeAdapterLoader;
import io.rrs.training.TrainingFixtures;
import io.rrs.training.AdamWConfig;
import io.rrs.aligned.AlignedRun;
import io.rrs.training.Checkpoint;
import io.rrs.training.CorruptRunException;
import io.rrs.training.FormatTags;
import io.rrs.training.LoraConfig;
import io.rrs.training.Progress;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import io.rrs.training.TrainConfig;
import io.rrs.model.OpenedModel;
import io.rrs.query.QueryEncoder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.eval.AdapterCheckpointLoader;
import io.rrs.training.TrainingLog;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs sft train} on the random tiny model and synthetic spoken queries: the cross-entropy falls and the
 * harmful rows' probability of the refusal token "I" as first answer token rises; the run's checkpoints load
 * through the registered eval loader (base + frozen LoRA, dropout off); a run killed after a checkpoint and
 * resumed ends bit-identical to an uninterrupted one, reusing its targets; {@code --benign none} trains the
 * harmful rows only; corrupted checkpoint and target files are named.
 */
class SftTrainTest {
    @TempDir
    static Path tmp;
    static Path model, data;

    static final class SimulatedKill extends RuntimeException {}

    @BeforeAll
    static void fixtures() throws IOException {
        model = TrainingFixtures.model(tmp.resolve("model"), 31);
        data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
    }

    static SftData data(SftData.Benign benign) {
        return new SftData(model, data, InputCondition.AUDIO_TEXT, 0, 5, benign, Prompts.REFUSAL_ANSWER, 6, 4, QueryEncoder.AudioPadding.WINDOW);
    }

    static TrainConfig config(Path run, double lr, int epochs) {
        return new TrainConfig(run, model, LoraConfig.DEFAULT, new AdamWConfig(lr, 0.9, 0.98, 1e-8, 0.001, 1.0), 4, 2, epochs, 99, true, null, 0);
    }

    static SftTrainer.Result train(Path run, SftData.Benign benign, double lr, int epochs, Path resumeFrom, StepListener l)
            throws IOException {
        return SftTrainer.train(data(benign), config(run, lr, epochs), resumeFrom, Progress.none(), Progress.none(), l);
    }

    private static double epochMean(List<Checkpoint.StepLoss> losses, int epoch) {
        return losses.stream().filter(s -> s.epoch() == epoch).mapToDouble(Checkpoint.StepLoss::loss).average().orElseThrow();
    }

    /** Mean probability of the refusal token as the first answer token over the harmful rows, under the evaluation's instruction. */
    static double refusalProbability(Qwen2AudioModel m, List<Query> harmful) throws IOException {
        OpenedModel opened = OpenedModel.open(model);
        QueryBatches encoder = new QueryBatches(opened.queries(), QueryEncoder.AudioPadding.WINDOW, 0);
        try (NoGradGuard g = new NoGradGuard()) {
            ModelInput in = encoder.encode(harmful, InputCondition.AUDIO_TEXT, Collections.nCopies(harmful.size(), Prompts.AUDIO_TEXT_INSTRUCTION), false);
            Tensor logits = m.forward(in).logits();
            Tensor last = logits.select(1, logits.size(1) - 1);
            return torch.softmax(last, 1).select(1, opened.tokenizer().refusalTokenId()).mean().item_double();
        }
    }

    @Test
    void lossFallsTheRefusalTokenRisesAndTheRunLoadsForEval() throws Exception {
        Path run = tmp.resolve("falls");
        SftTrainer.Result result = train(run, SftData.Benign.SELF, 1e-2, 6, null, (s, l) -> {});
        SftTargets.Targets targets = result.targets();
        assertEquals(6, targets.count("harmful"));
        assertEquals(6, targets.count("benign"), "--benign self: the rows RRS trains on");
        for (SftTargets.Row r : targets.rows()) {
            if (r.query().harmful()) assertEquals(Prompts.REFUSAL_ANSWER, r.answer());
            else assertEquals("base", r.source());
        }
        List<Checkpoint.StepLoss> losses = result.training().state().losses();
        assertEquals(6 * 2, losses.size(), "12 rows, batch 4 x 2: 2 optimiser steps per epoch, as RRS");
        double first = epochMean(losses, 0), last = epochMean(losses, 5);
        assertTrue(last < 0.75 * first, "cross-entropy must fall: epoch 1 " + first + ", epoch 6 " + last);
        assertEquals(6, Checkpoint.checkpointsDir(run).toFile().list((d, n) -> n.startsWith("step-")).length, "one checkpoint per epoch");
        assertEquals(12, TrainingLog.read(run.resolve(TrainingLog.FILE_NAME)).points().size());

        AdapterCheckpointLoader loader = null;
        for (AdapterCheckpointLoader l : ServiceLoader.load(AdapterCheckpointLoader.class)) if (l.accepts(run)) { loader = l; break; }
        assertNotNull(loader, "a registered loader accepts the sft run");
        assertTrue(loader instanceof SftAdapterLoader, "the sft loader, not the reshape one: " + loader);
        assertTrue(!new ReshapeAdapterLoader().accepts(run), "the reshape loader leaves sft runs alone");
        Qwen2AudioModel aligned = loader.load(model, Qwen2AudioModel.load(model), run);
        assertTrue(loader.describe(run).contains("rrs sft run, step-00000012"), loader.describe(run));
        assertEquals(run.resolve(TrainingLog.FILE_NAME).toAbsolutePath().normalize(), loader.trainingLog(run));

        List<Query> harmful = targets.rows().stream().map(SftTargets.Row::query).filter(Query::harmful).toList();
        double before = refusalProbability(Qwen2AudioModel.load(model), harmful), after = refusalProbability(aligned, harmful);
        assertTrue(after > 30 * before && after > 0.01, "P(\"I\" first) on harmful rows: base " + before + ", after SFT " + after);
        assertEquals(after, refusalProbability(aligned, harmful), 0.0, "dropout is off when evaluating");

        // the export reads the same run through AlignedRun: the factors, the trainer's name, and the base check against sft.json
        AlignedRun opened = AlignedRun.open(run);
        assertEquals("sft", opened.trainer());
        assertEquals(7 * TrainingFixtures.LAYERS, opened.factors().size());
        assertEquals(null, opened.deltaM(), "no delta_m: an sft run has no prepare output");
        Path other = tmp.resolve("other-model");
        io.rrs.model.RandomInit.write(other, TrainingFixtures.CONFIG.replace("1e-6", "1e-5"), 31);
        IOException wrongBase = assertThrows(IOException.class, () -> opened.checkBase(other));
        assertTrue(wrongBase.getMessage().contains("sft run") && wrongBase.getMessage().contains("config.json differs"), wrongBase.getMessage());
    }

    @Test
    void resumeAfterAKillEqualsAnUninterruptedRunAndReusesTheTargets() throws Exception {
        Path straight = tmp.resolve("straight");
        train(straight, SftData.Benign.SELF, 1e-3, 3, null, (s, l) -> {});
        Path killed = tmp.resolve("killed");
        assertThrows(SimulatedKill.class, () -> train(killed, SftData.Benign.SELF, 1e-3, 3, null, (s, l) -> {
            if (s == 3) throw new SimulatedKill(); // in epoch 2, after its first step: the epoch-1 checkpoint (step 2) is the last good one
        }));
        Path latest = Checkpoint.latest(killed);
        assertEquals("step-00000002", latest.getFileName().toString());
        byte[] targets = Files.readAllBytes(killed.resolve(SftTargets.FILE));
        IOException again = assertThrows(IOException.class, () -> train(killed, SftData.Benign.SELF, 1e-3, 3, null, (s, l) -> {}));
        assertTrue(again.getMessage().contains("already has checkpoints") && again.getMessage().contains("--resume"), again.getMessage());
        // on resume the recorded model and settings apply (no --model given)
        SftTrainer.train(data(SftData.Benign.SELF).withModel(null), config(killed, 1e-3, 3), latest, Progress.none(), Progress.none(), (s, l) -> {});

        assertArrayEquals(targets, Files.readAllBytes(killed.resolve(SftTargets.FILE)), "the targets are reused, not generated again");
        assertArrayEquals(Files.readAllBytes(straight.resolve(SftTargets.FILE)), targets, "greedy targets are deterministic");
        Checkpoint a = Checkpoint.load(Checkpoint.latest(straight)), b = Checkpoint.load(Checkpoint.latest(killed));
        assertEquals(6, b.state().optimizerSteps());
        assertEquals(a.state().losses(), b.state().losses(), "same loss at every step");
        assertIdentical(a.adapter(), b.adapter());
        assertIdentical(a.optimizer(), b.optimizer());
        assertArrayEquals(Files.readAllBytes(straight.resolve(TrainingLog.FILE_NAME)), Files.readAllBytes(killed.resolve(TrainingLog.FILE_NAME)));
        JsonNode settings = new ObjectMapper().readTree(Checkpoint.latest(killed).resolve("state.json").toFile()).get("config");
        assertEquals("sft", settings.get("trainer").asText());
        assertTrue(!settings.has("loss_path"), settings.toString());
    }

    @Test
    void benignNoneTrainsTheHarmfulRowsOnly() throws Exception {
        Path run = tmp.resolve("none");
        SftTrainer.Result r = train(run, SftData.Benign.NONE, 1e-3, 2, null, (s, l) -> {});
        assertEquals(6, r.targets().rows().size());
        assertTrue(r.targets().rows().stream().allMatch(row -> row.query().harmful() && row.answer().equals(Prompts.REFUSAL_ANSWER)));
        assertEquals(2 * 6, r.training().state().samplesSeen(), "6 harmful rows per epoch");
        assertEquals(2 * 1, r.training().state().optimizerSteps(), "6 rows: 2 micro-batches, 1 step per epoch");
        JsonNode manifest = new ObjectMapper().readTree(run.resolve(SftTargets.MANIFEST).toFile());
        assertEquals("none", manifest.get("benign").asText());
        assertEquals(0, manifest.get("benign_rows").asInt());
        // a restart without --resume under other settings is refused rather than mixing targets
        Files.delete(Checkpoint.checkpointsDir(run).resolve(Checkpoint.LATEST));
        IOException other = assertThrows(IOException.class, () -> train(run, SftData.Benign.SELF, 1e-3, 2, null, (s, l) -> {}));
        assertTrue(other.getMessage().contains(SftTargets.MANIFEST) && other.getMessage().contains("other settings"), other.getMessage());
    }

    @Test
    void aCorruptedCheckpointOrTargetFileIsNamed() throws Exception {
        Path run = tmp.resolve("corrupt");
        train(run, SftData.Benign.SELF, 1e-3, 1, null, (s, l) -> {});
        Path adapter = Checkpoint.latest(run).resolve(Checkpoint.ADAPTER);
        flipByte(adapter);
        CorruptRunException flipped = assertThrows(CorruptRunException.class, () -> new SftAdapterLoader().load(model, Qwen2AudioModel.load(model), run));
        assertTrue(flipped.getMessage().contains(adapter.toString()) && flipped.getMessage().contains("corrupted"), flipped.getMessage());
        IOException resume = assertThrows(IOException.class, () -> train(run, SftData.Benign.SELF, 1e-3, 2, Checkpoint.latest(run), (s, l) -> {}));
        assertTrue(resume.getMessage().contains(adapter.toString()), resume.getMessage());

        Path run2 = tmp.resolve("corrupt-targets");
        train(run2, SftData.Benign.SELF, 1e-3, 1, null, (s, l) -> {});
        FormatTags.assertOwned(run2.resolve(SftTargets.MANIFEST), SftTargets.FORMAT, "rrs sft train", () -> SftTargets.load(run2));
        Path file = run2.resolve(SftTargets.FILE);
        flipByte(file);
        CorruptRunException edited = assertThrows(CorruptRunException.class,
                () -> train(run2, SftData.Benign.SELF, 1e-3, 2, Checkpoint.latest(run2), (s, l) -> {}));
        assertTrue(edited.getMessage().contains(file.toString()) && edited.getMessage().contains("corrupted"), edited.getMessage());
    }

    private static void flipByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 5);
            int v = f.read();
            f.seek(f.length() - 5);
            f.write(v ^ 0x01);
        }
    }

    private static void assertIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            double diff = expected.get(name).sub(actual.get(name)).abs().max().item_double();
            assertEquals(0.0, diff, name + " differs by " + diff);
        }
    }
}
