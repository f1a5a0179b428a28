package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.training.TrainingFixtures;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.text.InputCondition;
import io.rrs.training.Checkpoint;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kill: {@code rrs reshape train} runs in a child JVM, checkpointing every step, and is killed with
 * SIGKILL at an arbitrary moment (possibly inside a checkpoint write). The latest checkpoint must load and
 * verify, and resuming from it must end with exactly the adapters (and train-log.jsonl) of an uninterrupted run.
 */
class ReshapeKillTest {
    @TempDir
    Path tmp;

    @Test
    void aKilledRunResumesToTheUninterruptedResult() throws Exception {
        Path model = TrainingFixtures.model(tmp.resolve("model"), 51), data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
        Path killed = tmp.resolve("killed"), straight = tmp.resolve("straight");
        for (Path run : List.of(killed, straight))
            ReshapePrepare.run(new PrepareConfig(model, data, run, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 4, 1,
                    RrsObjective.Path.FUSED), Progress.none());
        int epochs = 12;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.rrs.cli.Rrs", "reshape", "train",
                "--run", killed.toString(), "--epochs", String.valueOf(epochs), "--save-every", "1", "--lr", "1e-3", "--batch-size", "2")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process child = pb.start();
        Path fifth = Checkpoint.checkpointsDir(killed).resolve("step-00000005");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(fifth) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(new java.util.Random().nextInt(150)); // anywhere in the following steps and writes
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        child.waitFor();
        assertNotEquals(0, child.exitValue(), "the child must have been killed before finishing: " + Files.readString(tmp.resolve("child.log")));

        Path latest = Checkpoint.latest(killed);
        Checkpoint loaded = Checkpoint.load(latest); // verifies every file's hash
        // step 5's directory existed; 'latest' moves after the rename, so a kill in between leaves it at step 4
        assertTrue(loaded.state().optimizerSteps() >= 4, "latest is " + latest);
        TrainConfig config = TrainConfig.fromJson(loaded.state().config(), killed, null);
        ReshapeTrainer.train(config, latest, Progress.none(), (s, l) -> {});
        ReshapeTrainer.train(new TrainConfig(straight, null, config.lora(), config.optimizer(), config.batchSize(), config.accumulationSteps(),
                epochs, config.seed(), config.promptPool(), config.lossPath(), 0), null, Progress.none(), (s, l) -> {});

        Map<String, Tensor> a = Checkpoint.load(Checkpoint.latest(straight)).adapter(), b = Checkpoint.load(Checkpoint.latest(killed)).adapter();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) assertEquals(0.0, a.get(name).sub(b.get(name)).abs().max().item_double(), name);
        // the log the kill left (possibly ahead of 'latest', possibly torn) is cut back on resume: every step once
        assertEquals(Files.readString(straight.resolve(io.rrs.training.TrainingLog.FILE_NAME)),
                Files.readString(killed.resolve(io.rrs.training.TrainingLog.FILE_NAME)), "train-log.jsonl after kill + resume");
    }
}
