package io.rrs.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.eval.ResponseLog;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.reshape.PrepareConfig;
import io.rrs.training.TrainingFixtures;
import io.rrs.reshape.ReshapePrepare;
import io.rrs.reshape.ReshapeTrainer;
import io.rrs.text.InputCondition;
import io.rrs.training.AdamWConfig;
import io.rrs.training.Checkpoint;
import io.rrs.training.CommandRun;
import io.rrs.training.LoraConfig;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs sft train} through the real command line (registration, --help with defaults, exit codes 0/1/2/3 as
 * {@code rrs reshape train}, resume), and {@code rrs eval --aligned RRS_RUN --compare sft=SFT_RUN}: one report
 * with base, RRS and SFT columns, each model's answers in its own resumable JSONL, and both training logs plotted.
 */
class SftCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainResumeAndTheExitCodes() throws Exception {
        CommandRun help = CommandRun.rrs("sft", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("train"), help.out());
        CommandRun trainHelp = CommandRun.rrs("sft", "train", "--help");
        for (String s : new String[] {"--benign", "default: self", "--refusal-answer", "cannot help with that.", "--lora-rank", "default: 5e-5",
                "--accumulation", "--resume", "--limit"})
            assertTrue(trainHelp.out().contains(s), s + " in\n" + trainHelp.out());

        Path model = TrainingFixtures.model(tmp.resolve("model"), 41), data = TrainingFixtures.dataset(tmp.resolve("data"), 4);
        String run = tmp.resolve("run").toString();
        String[] common = {"--data", data.toString(), "--run", run, "--limit", "3", "--target-tokens", "4", "--batch-size", "2", "--lr", "1e-3"};
        CommandRun train = CommandRun.rrs(concat(new String[] {"sft", "train", "--model", model.toString(), "--epochs", "1"}, common));
        assertEquals(0, train.code(), train.err());
        assertTrue(train.err().contains("batches"), "the progress bar is drawn on stderr by default: " + train.err());
        assertTrue(train.out().contains("sft rows: 3 harmful (target \"I cannot help with that.\") + 3 benign"), train.out());
        assertTrue(train.out().contains("trained to epoch 1, step 2") && train.out().contains("--compare sft="), train.out());

        CommandRun again = CommandRun.rrs(concat(new String[] {"sft", "train", "--model", model.toString(), "--epochs", "1"}, common));
        assertEquals(1, again.code());
        assertTrue(again.err().startsWith("rrs sft train: ") && again.err().contains("already has checkpoints") && again.err().contains("--resume"), again.err());

        CommandRun resumed = CommandRun.rrs("sft", "train", "--run", run, "--epochs", "2", "--resume", "--no-progress"); // the model and data sft.json recorded
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(!resumed.err().contains("batches") && !resumed.err().contains("queries"), "--no-progress draws no bar: " + resumed.err());
        assertTrue(resumed.out().contains("trained to epoch 2, step 4"), resumed.out());

        CommandRun badBenign = CommandRun.rrs("sft", "train", "--model", model.toString(), "--run", tmp.resolve("x").toString(), "--benign", "all");
        assertEquals(2, badBenign.code(), "an unknown --benign is a usage error");
        assertTrue(badBenign.err().contains("--benign") && badBenign.err().contains("self"), badBenign.err());
        CommandRun noModel = CommandRun.rrs("sft", "train", "--run", tmp.resolve("y").toString());
        assertEquals(2, noModel.code(), "a missing --model is a usage error");
        assertTrue(noModel.err().contains("--model"), noModel.err());

        Path adapter = Checkpoint.latest(Path.of(run)).resolve(Checkpoint.ADAPTER);
        try (RandomAccessFile f = new RandomAccessFile(adapter.toFile(), "rw")) {
            f.seek(f.length() - 5);
            int v = f.read();
            f.seek(f.length() - 5);
            f.write(v ^ 0x01);
        }
        CommandRun corrupt = CommandRun.rrs("sft", "train", "--run", run, "--epochs", "3", "--resume");
        assertEquals(5, corrupt.code(), "a corrupted run file exits with the corrupt-file code");
        assertTrue(corrupt.err().contains(adapter.toString()) && corrupt.err().contains("corrupted"), corrupt.err());

        CommandRun diverges = CommandRun.rrs("sft", "train", "--model", model.toString(), "--data", data.toString(), "--run", tmp.resolve("nan").toString(),
                "--limit", "3", "--target-tokens", "4", "--batch-size", "2", "--epochs", "2", "--save-every", "1", "--lr", "1e30");
        assertEquals(3, diverges.code(), diverges.err());
        assertTrue(diverges.err().contains("training stopped") && diverges.err().contains("step-00000001"), diverges.err());
    }

    @Test
    void evalComparesBaseRrsAndSft() throws Exception {
        Path model = TrainingFixtures.model(tmp.resolve("model"), 41), data = TrainingFixtures.dataset(tmp.resolve("data"), 3);
        Path rrsRun = tmp.resolve("rrs"), sftRun = tmp.resolve("sft");
        ReshapePrepare.run(new PrepareConfig(model, data, rrsRun, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 4, 1,
                RrsObjective.Path.FUSED), Progress.none());
        ReshapeTrainer.train(new TrainConfig(rrsRun, null, LoraConfig.DEFAULT, new AdamWConfig(1e-2, 0.9, 0.98, 1e-8, 0.001, 1.0), 2, 2, 1, 7, true,
                RrsObjective.Path.FUSED, 0), null, Progress.none(), (s, l) -> {});
        assertEquals(0, CommandRun.rrs("sft", "train", "--model", model.toString(), "--data", data.toString(), "--run", sftRun.toString(), "--epochs", "1",
                "--target-tokens", "4", "--lr", "1e-2").code());

        Path out = tmp.resolve("eval");
        String[] eval = {"eval", "--model", model.toString(), "--aligned", rrsRun.toString(), "--compare", "sft=" + sftRun, "--data", data.toString(),
                "--conditions", "text-only", "--max-new-tokens", "3", "--probe-limit", "-1", "--out", out.toString(), "--no-progress"};
        CommandRun first = CommandRun.rrs(eval);
        assertEquals(0, first.code(), first.err());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertTrue(report.get("models").get("aligned").asText().contains("rrs reshape run"), report.get("models").toString());
        assertTrue(report.get("models").get("sft").asText().contains("rrs sft run, step-00000001"), report.get("models").toString());
        JsonNode overall = report.get("results").get("text-only").get("overall");
        for (String key : new String[] {"base", "aligned", "sft", "delta", "delta_sft"}) assertTrue(overall.has(key), key + " in " + overall);
        assertEquals(1, overall.get("sft").get("harmful").asInt(), "the fixture's one test utterance");
        assertEquals(1, ResponseLog.read(ResponseLog.fileOf(out, "sft")).size());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("DSR RRS") && md.contains("ΔDSR sft") && md.contains("ORR sft"), md);
        assertEquals(2 * 640, ImageIO.read(out.resolve("loss.png").toFile()).getWidth(), "one loss panel each for RRS and sft");

        CommandRun again = CommandRun.rrs(eval); // resumes: nothing is generated again
        assertEquals(0, again.code(), again.err());
        JsonNode resumed = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertFalse(resumed.get("throughput").has("sft") || resumed.get("throughput").has("aligned"), resumed.get("throughput").toString());
        assertEquals(overall, resumed.get("results").get("text-only").get("overall"));

        CommandRun reserved = CommandRun.rrs("eval", "--model", model.toString(), "--compare", "rrs=" + rrsRun, "--data", data.toString(), "--out", out.toString());
        assertEquals(2, reserved.code());
        assertTrue(reserved.err().contains("--compare name \"rrs\"") && reserved.err().contains("--aligned"), reserved.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
