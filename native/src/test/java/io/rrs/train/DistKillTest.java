package io.rrs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rank that dies (SIGKILL) or freezes (SIGSTOP) mid-run: the surviving rank 0 must stop by itself within
 * --dist-timeout (plus the diagnosis) with an error naming rank 1, the last checkpoint must load, and both
 * ranks restarted with --resume must finish the run.
 */
class DistKillTest {
    private static final int TIMEOUT_S = 4, EPOCHS = 25;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aKilledRankStopsTheOtherAndTheRunResumes() throws Exception {
        survivorStopsAndRunResumes(false);
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aFrozenRankTimesOutTheOtherAndTheRunResumes() throws Exception {
        survivorStopsAndRunResumes(true);
    }

    private void survivorStopsAndRunResumes(boolean freeze) throws Exception {
        Path model = ReshapeFixtures.model(tmp.resolve("model"), 61), data = ReshapeFixtures.dataset(tmp.resolve("data"), 6);
        Path run = DistTrainFixtures.prepared(model, data, tmp.resolve("run"));
        List<String> args = List.of("--run", run.toString(), "--epochs", String.valueOf(EPOCHS), "--batch-size", "4", "--accumulation", "1",
                "--lr", "1e-3", "--save-every", "1", "--dist-timeout", String.valueOf(TIMEOUT_S));
        List<Process> all = new ArrayList<>();
        try {
            String master = DistTrainFixtures.master();
            Process r0 = DistTrainFixtures.rank(tmp.resolve("r0.log"), 2, 0, master, args), r1 = DistTrainFixtures.rank(tmp.resolve("r1.log"), 2, 1, master, args);
            all.addAll(List.of(r0, r1));
            Path third = Checkpoint.checkpointsDir(run).resolve("step-00000003");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(third) && r0.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(Files.exists(third) && r0.isAlive() && r1.isAlive(), "both ranks should be training: " + DistTrainFixtures.read(tmp.resolve("r0.log")));
            long stoppedAt = System.nanoTime();
            if (freeze) new ProcessBuilder("kill", "-STOP", String.valueOf(r1.pid())).start().waitFor();
            else r1.destroyForcibly();

            // timeout + the 1.5 s diagnosis + JVM exit; far below "forever"
            assertTrue(r0.waitFor(TIMEOUT_S + 20, TimeUnit.SECONDS), "rank 0 still running after rank 1 " + (freeze ? "froze" : "died"));
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            String log0 = DistTrainFixtures.read(tmp.resolve("r0.log"));
            assertNotEquals(0, r0.exitValue(), log0);
            assertTrue(log0.contains("rank 1 stopped"), "the error must name rank 1: " + log0);
            assertTrue(log0.contains("--resume"), "the error must say how to continue: " + log0);
            System.out.printf("rank 0 stopped %.1f s after rank 1 was %s%n", seconds, freeze ? "frozen" : "killed");
            r1.destroyForcibly();
            r1.waitFor(10, TimeUnit.SECONDS);

            Checkpoint latest = Checkpoint.load(Checkpoint.latest(run)); // verifies every file's hash
            assertTrue(latest.state().optimizerSteps() >= 3, "latest: " + Checkpoint.latest(run));
            List<String> resumed = new ArrayList<>(args);
            resumed.add("--resume");
            String master2 = DistTrainFixtures.master();
            Process q0 = DistTrainFixtures.rank(tmp.resolve("q0.log"), 2, 0, master2, resumed), q1 = DistTrainFixtures.rank(tmp.resolve("q1.log"), 2, 1, master2, resumed);
            all.addAll(List.of(q0, q1));
            assertTrue(q0.waitFor(100, TimeUnit.SECONDS) && q1.waitFor(30, TimeUnit.SECONDS), "resumed ranks did not finish");
            assertEquals(0, q0.exitValue(), DistTrainFixtures.read(tmp.resolve("q0.log")));
            assertEquals(0, q1.exitValue(), DistTrainFixtures.read(tmp.resolve("q1.log")));
            Checkpoint done = Checkpoint.load(Checkpoint.latest(run));
            assertEquals(EPOCHS, done.state().epoch());
            int rows = PreparedRun.load(run).queries().size();
            assertEquals((long) EPOCHS * ((rows + 3) / 4), done.state().optimizerSteps());
        } finally {
            for (Process p : all) p.destroyForcibly(); // SIGKILL also ends a SIGSTOPped child
        }
    }
}
