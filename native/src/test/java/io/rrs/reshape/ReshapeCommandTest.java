package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.training.TrainingFixtures;
import io.rrs.training.CommandRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rrs reshape} through the real command line (ServiceLoader registration, options, exit codes, messages). */
class ReshapeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void prepareTrainAndResumeFromTheCommandLine() throws Exception {
        CommandRun help = CommandRun.rrs("reshape", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("prepare") && help.out().contains("train"), help.out());
        CommandRun trainHelp = CommandRun.rrs("reshape", "train", "--help");
        assertTrue(trainHelp.out().contains("--lora-rank") && trainHelp.out().contains("default: 5e-5"), trainHelp.out());

        Path model = TrainingFixtures.model(tmp.resolve("model"), 41), data = TrainingFixtures.dataset(tmp.resolve("data"), 4);
        String run = tmp.resolve("run").toString();
        CommandRun prepare = CommandRun.rrs("reshape", "prepare", "--model", model.toString(), "--data", data.toString(), "--run", run, "--limit", "3",
                "--top-percent", "50", "--no-progress");
        assertEquals(0, prepare.code(), prepare.err());
        assertTrue(prepare.out().contains("prepared 3 harmful + 3 benign queries; mask top 50.0% keeps 24 of 48"), prepare.out());
        assertTrue(!prepare.err().contains("queries"), "--no-progress draws no bar: " + prepare.err());

        CommandRun train = CommandRun.rrs("reshape", "train", "--run", run, "--epochs", "1", "--batch-size", "2", "--lr", "1e-3");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("trained to epoch 1, step 2") && train.out().contains("queries/s"), train.out());
        assertTrue(train.out().contains(io.rrs.training.TrainingLog.FILE_NAME) && train.out().contains("--aligned"), train.out());
        assertTrue(train.err().contains("batches"), "the progress bar is drawn on stderr by default: " + train.err());

        CommandRun again = CommandRun.rrs("reshape", "train", "--run", run, "--epochs", "1");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already has checkpoints") && again.err().contains("--resume"), again.err());

        CommandRun resumed = CommandRun.rrs("reshape", "train", "--run", run, "--epochs", "2", "--resume", "--no-progress");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(!resumed.err().contains("batches"), "--no-progress draws no bar: " + resumed.err());
        assertTrue(resumed.out().contains("trained to epoch 2, step 4"), resumed.out());

        CommandRun bad = CommandRun.rrs("reshape", "train", "--run", run, "--lora-dropout", "1.5");
        assertEquals(2, bad.code(), "a value out of range is a usage error");
        assertTrue(bad.err().contains("--lora-dropout"), bad.err());
    }
}
