package io.rrs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.cli.Rrs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rrs reshape} through the real command line (ServiceLoader registration, options, exit codes, messages). */
class ReshapeCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run rrs(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Rrs.commandLine().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void prepareTrainAndResumeFromTheCommandLine() throws Exception {
        Run help = rrs("reshape", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("prepare") && help.out().contains("train"), help.out());
        Run trainHelp = rrs("reshape", "train", "--help");
        assertTrue(trainHelp.out().contains("--lora-rank") && trainHelp.out().contains("default: 5e-5"), trainHelp.out());

        Path model = ReshapeFixtures.model(tmp.resolve("model"), 41), data = ReshapeFixtures.dataset(tmp.resolve("data"), 4);
        String run = tmp.resolve("run").toString();
        Run prepare = rrs("reshape", "prepare", "--model", model.toString(), "--data", data.toString(), "--run", run, "--limit", "3",
                "--top-percent", "50");
        assertEquals(0, prepare.code(), prepare.err());
        assertTrue(prepare.out().contains("prepared 3 harmful + 3 benign queries; mask top 50.0% keeps 24 of 48"), prepare.out());

        Run train = rrs("reshape", "train", "--run", run, "--epochs", "1", "--batch-size", "2", "--lr", "1e-3");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("trained to epoch 1, step 2") && train.out().contains("queries/s"), train.out());
        assertTrue(train.out().contains(io.rrs.eval.TrainingLog.FILE_NAME) && train.out().contains("--aligned"), train.out());

        Run again = rrs("reshape", "train", "--run", run, "--epochs", "1");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already has checkpoints") && again.err().contains("--resume"), again.err());

        Run resumed = rrs("reshape", "train", "--run", run, "--epochs", "2", "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("trained to epoch 2, step 4"), resumed.out());

        Run bad = rrs("reshape", "train", "--run", run, "--lora-dropout", "1.5");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--lora-dropout"), bad.err());
    }
}
