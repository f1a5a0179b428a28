package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.training.TrainingFixtures;
import io.rrs.training.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rank that dies (SIGKILL: rank 1, or rank 0 with the rendezvous store) or freezes (SIGSTOP) mid-run: the
 * survivor must stop by itself within --dist-timeout (plus the diagnosis) with an error naming the lost rank, the last checkpoint must load, and both
 * ranks restarted with --resume must finish the run.
 */
class DistKillTest {
    private static final int TIMEOUT_S = 4, EPOCHS = 25;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aKilledRankStopsTheOtherAndTheRunResumes() throws Exception {
        survivorStopsAndRunResumes(false, 1);
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aKilledRankZeroStopsRankOneAndTheRunResumes() throws Exception {
        survivorStopsAndRunResumes(false, 0);
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aFrozenRankTimesOutTheOtherAndTheRunResumes() throws Exception {
        survivorStopsAndRunResumes(true, 1);
    }

    private void survivorStopsAndRunResumes(boolean freeze, int victimRank) throws Exception {
        Path model = TrainingFixtures.model(tmp.resolve("model"), 61), data = TrainingFixtures.dataset(tmp.resolve("data"), 6);
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
            Process victim = victimRank == 0 ? r0 : r1, survivor = victimRank == 0 ? r1 : r0;
            int survivorRank = 1 - victimRank;
            long stoppedAt = System.nanoTime();
            if (freeze) new ProcessBuilder("kill", "-STOP", String.valueOf(victim.pid())).start().waitFor();
            else victim.destroyForcibly();

            // timeout + the 1.5 s diagnosis + JVM exit; far below "forever"
            assertTrue(survivor.waitFor(TIMEOUT_S + 20, TimeUnit.SECONDS), "rank " + survivorRank + " still running after rank " + victimRank
                    + (freeze ? " froze" : " died"));
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            String log = DistTrainFixtures.read(tmp.resolve("r" + survivorRank + ".log"));
            assertNotEquals(0, survivor.exitValue(), log);
            assertTrue(log.contains("rank " + victimRank + " stopped"), "the error must name rank " + victimRank + ": " + log);
            assertTrue(log.contains("--resume"), "the error must say how to continue: " + log);
            System.out.printf("rank %d stopped %.1f s after rank %d was %s%n", survivorRank, seconds, victimRank, freeze ? "frozen" : "killed");
            victim.destroyForcibly();
            victim.waitFor(10, TimeUnit.SECONDS);

            Checkpoint latest = Checkpoint.load(Checkpoint.latest(run)); // verifies every file's hash
            // step 3's directory existed; a kill of rank 0 between its rename and the 'latest' update leaves 'latest' at step 2
            assertTrue(latest.state().optimizerSteps() >= 2, "latest: " + Checkpoint.latest(run));
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
