package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.training.TrainingFixtures;
import io.rrs.training.AdamWConfig;
import io.rrs.training.Checkpoint;
import io.rrs.training.LoraConfig;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks with Gloo on 127.0.0.1, each on half of every batch, must end with the adapters of one process on
 * the whole batch (within float32 reordering, 1e-5). Dropout 0: with dropout the ranks draw their own masks.
 * AdamW eps 1e-4 instead of 1e-8: with a tiny eps, m / sqrt(v) is about sign(g) for gradient entries near 0, so
 * 1e-8 summation-order noise flips whole lr-sized updates (measured: 2e-4 apart at lr 1e-2 with eps 1e-8, while
 * the per-step losses agreed to 1e-8); a larger eps keeps the update linear in such entries and the comparison meaningful.
 */
class DistTrainEquivalenceTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void twoGlooRanksMatchOneProcessOnTheSameGlobalBatch() throws Exception {
        Path model = TrainingFixtures.model(tmp.resolve("model"), 41), data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
        Path single = DistTrainFixtures.prepared(model, data, tmp.resolve("single"));
        Path dual = DistTrainFixtures.prepared(model, data, tmp.resolve("dual"));
        int rows = PreparedRun.load(single).queries().size();
        assertEquals(0, (rows % 4) % 2, rows + " rows: the last batch of 4 must split into two equal shares");
        List<String> args = List.of("--epochs", "2", "--batch-size", "4", "--accumulation", "2", "--lr", "1e-3", "--eps", "1e-4", "--lora-dropout", "0",
                "--save-every", "1");

        List<Process> ranks = new ArrayList<>();
        try {
            String master = DistTrainFixtures.master();
            for (int r = 0; r < 2; r++) {
                List<String> a = new ArrayList<>(List.of("--run", dual.toString()));
                a.addAll(args);
                ranks.add(DistTrainFixtures.rank(tmp.resolve("rank-" + r + ".log"), 2, r, master, a));
            }
            // the single process meanwhile, in this JVM (2 cores: the ranks and it share them, only time suffers)
            TrainConfig config = new TrainConfig(single, null, new LoraConfig(16, 4, 0), new AdamWConfig(1e-3, 0.9, 0.98, 1e-4, 0.001, 1.0), 4, 2, 2,
                    TrainConfig.defaults(single).seed(), true, io.rrs.kernels.RrsObjective.Path.FUSED, 1);
            ReshapeTrainer.Result one = ReshapeTrainer.train(config, null, Progress.none(), (s, l) -> {});
            for (int r = 0; r < 2; r++) {
                assertTrue(ranks.get(r).waitFor(100, TimeUnit.SECONDS), "rank " + r + " did not finish: " + DistTrainFixtures.read(tmp.resolve("rank-" + r + ".log")));
                assertEquals(0, ranks.get(r).exitValue(), "rank " + r + ": " + DistTrainFixtures.read(tmp.resolve("rank-" + r + ".log")));
            }
            Checkpoint two = Checkpoint.load(Checkpoint.latest(dual));
            assertEquals(one.state().optimizerSteps(), two.state().optimizerSteps());
            assertTrue(one.state().optimizerSteps() >= 2, "k steps, k >= 2");
            double diff = DistTrainFixtures.maxAbsDifference(Checkpoint.load(one.lastCheckpoint()).adapter(), two.adapter());
            assertTrue(diff <= 1e-5, "max |LoRA(1 process) - LoRA(2 ranks)| = " + diff);
            // training moved the adapters, so equality is not the trivial one of two untouched initialisations
            assertTrue(DistTrainFixtures.maxAbsDifference(Checkpoint.load(Checkpoint.checkpointsDir(dual).resolve("step-00000001")).adapter(),
                    two.adapter()) > 1e-4, "the adapters must change between step 1 and the end");
            // the averaged loss is logged once, by rank 0 only
            assertEquals(one.state().losses().size(), two.state().losses().size());
            for (int i = 0; i < one.state().losses().size(); i++)
                assertEquals(one.state().losses().get(i).loss(), two.state().losses().get(i).loss(), 1e-5, "loss of step " + (i + 1));
        } finally {
            for (Process p : ranks) p.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ranksStartedWithDifferentSettingsStopBeforeTheFirstStepNamingTheSetting() throws Exception {
        Path model = TrainingFixtures.model(tmp.resolve("model"), 41), data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
        Path run = DistTrainFixtures.prepared(model, data, tmp.resolve("run"));
        String master = DistTrainFixtures.master();
        List<Process> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < 2; r++)
                ranks.add(DistTrainFixtures.rank(tmp.resolve("rank-" + r + ".log"), 2, r, master,
                        List.of("--run", run.toString(), "--epochs", "1", "--lr", r == 0 ? "1e-3" : "2e-3", "--dist-timeout", "20")));
            for (int r = 0; r < 2; r++) {
                String log = DistTrainFixtures.read(tmp.resolve("rank-" + r + ".log"));
                assertTrue(ranks.get(r).waitFor(60, TimeUnit.SECONDS), "rank " + r + " did not stop: " + log);
                log = DistTrainFixtures.read(tmp.resolve("rank-" + r + ".log"));
                assertTrue(ranks.get(r).exitValue() != 0, "rank " + r + " must fail: " + log);
                assertTrue(log.contains("rank " + (1 - r) + " was started with other settings") && log.contains("\"lr\":"),
                        "rank " + r + " must name the other rank and the setting: " + log);
            }
            assertEquals(null, Checkpoint.latest(run), "no step may be taken, so no checkpoint");
        } finally {
            for (Process p : ranks) p.destroyForcibly();
        }
    }
}
