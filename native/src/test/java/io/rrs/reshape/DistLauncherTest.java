package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.training.TrainingFixtures;
import io.rrs.training.Checkpoint;
import io.rrs.training.dist.DataParallelBatches;
import io.rrs.training.dist.DistConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code rrs reshape train --world-size 2} without {@code --rank} starts both ranks itself; bad settings are refused by name. */
class DistLauncherTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theLocalLauncherRunsBothRanksToTheEnd() throws Exception {
        Path model = TrainingFixtures.model(tmp.resolve("model"), 81), data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
        Path run = DistTrainFixtures.prepared(model, data, tmp.resolve("run"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.rrs.cli.Rrs", "reshape", "train", "--run", run.toString(), "--epochs", "2",
                "--batch-size", "4", "--world-size", "2", "--dist-timeout", "20")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("launcher.log").toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process launcher = pb.start();
        try {
            assertTrue(launcher.waitFor(100, TimeUnit.SECONDS), "launcher did not finish: " + DistTrainFixtures.read(tmp.resolve("launcher.log")));
            assertEquals(0, launcher.exitValue(), DistTrainFixtures.read(tmp.resolve("launcher.log")));
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
        int batches = (PreparedRun.load(run).queries().size() + 3) / 4; // per epoch; default accumulation 2 -> steps per epoch
        assertEquals(2L * ((batches + 1) / 2), Checkpoint.load(Checkpoint.latest(run)).state().optimizerSteps());
        assertTrue(Files.readString(run.resolve("rank-1.log")).contains("rank 1 of 2: trained to step"), "rank 1 ran and logged to RUN/rank-1.log");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNonFiniteLossStopsEveryRankWithTheSameMessage() throws Exception {
        Path model = TrainingFixtures.model(tmp.resolve("model"), 83), data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
        Path run = DistTrainFixtures.prepared(model, data, tmp.resolve("run"));
        List<String> args = List.of("--run", run.toString(), "--epochs", "3", "--batch-size", "4", "--lr", "1e30", "--save-every", "1",
                "--dist-timeout", "20");
        String master = DistTrainFixtures.master();
        Process r0 = DistTrainFixtures.rank(tmp.resolve("r0.log"), 2, 0, master, args), r1 = DistTrainFixtures.rank(tmp.resolve("r1.log"), 2, 1, master, args);
        try {
            assertTrue(r0.waitFor(100, TimeUnit.SECONDS) && r1.waitFor(20, TimeUnit.SECONDS), "ranks did not stop");
            for (int r = 0; r < 2; r++) {
                String log = DistTrainFixtures.read(tmp.resolve("r" + r + ".log"));
                assertEquals(3, (r == 0 ? r0 : r1).exitValue(), "rank " + r + " must stop with the non-finite exit code: " + log);
                assertTrue(log.contains("averaged over the ranks") && log.contains("step-00000001"), log);
            }
            assertEquals(1, Checkpoint.load(Checkpoint.latest(run)).state().optimizerSteps());
        } finally {
            r0.destroyForcibly();
            r1.destroyForcibly();
        }
    }

    @Test
    void settingsThatCannotSplitOrRendezvousAreRefusedByName() {
        var odd = assertThrows(IllegalArgumentException.class, () -> DataParallelBatches.check(12, 3, 2));
        assertTrue(odd.getMessage().contains("--batch-size 3") && odd.getMessage().contains("--world-size 2"), odd.getMessage());
        var tail = assertThrows(IllegalArgumentException.class, () -> DataParallelBatches.check(13, 4, 2));
        assertTrue(tail.getMessage().contains("last micro-batch of 1"), tail.getMessage());
        DataParallelBatches.check(14, 4, 2); // last batch of 2 splits 1 + 1
        DataParallelBatches.check(13, 3, 1); // one process: anything goes
        assertThrows(IllegalArgumentException.class, () -> DistConfig.of(2, 2, "127.0.0.1:29500", Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> DistConfig.of(2, 0, null, Duration.ofSeconds(5)));
        var port = assertThrows(IllegalArgumentException.class, () -> DistConfig.of(2, 0, "127.0.0.1:x", Duration.ofSeconds(5)));
        assertTrue(port.getMessage().contains("ADDR:PORT"), port.getMessage());
        DistConfig ok = DistConfig.of(2, 1, "127.0.0.1:29500", Duration.ofSeconds(5));
        assertEquals(List.of("127.0.0.1", 29500, 1), List.of(ok.masterHost(), ok.masterPort(), ok.rank()));
    }
}
