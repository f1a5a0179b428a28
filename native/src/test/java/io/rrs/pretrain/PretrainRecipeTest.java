package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.train.CommandRun;
import io.rrs.train.Progress;
import io.rrs.train.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo recipe ({@code rrs pretrain} with no options): its stages are the settings recorded with the committed
 * model, and on the four-text fixture it runs both stages, hands stage 1's model to stage 2, and a kill in either
 * stage followed by {@code --resume} gives the uninterrupted run's bytes.
 */
class PretrainRecipeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void stagesAreTheSettingsRecordedWithTheCommittedModel() throws Exception {
        PretrainCommand command = new PretrainCommand();
        new CommandLine(command).parseArgs("--state", tmp.resolve("state").toString());
        PretrainSettings shared = command.settings();
        Path committed = PretrainFixtures.repoRoot().resolve("models/demo-base");

        PretrainSettings one = PretrainRecipe.stage1(shared);
        JsonNode oneRecord = JSON.readTree(committed.resolve(PretrainRecipe.STAGE1_RECORD).toFile());
        assertEquals(oneRecord.get("settings").toString(), PretrainFiles.settingsJson(one).toString()); // as text: a long and an int node differ

        // stage 2 hashes stage 1's model: stand one in, and compare the rest of the settings
        Files.createDirectories(one.outDir());
        Files.writeString(one.outDir().resolve("model.safetensors"), "stand-in");
        ObjectNode two = PretrainFiles.settingsJson(PretrainRecipe.stage2(shared));
        JsonNode twoRecord = JSON.readTree(committed.resolve(PretrainFiles.MANIFEST).toFile()).get("settings");
        assertEquals(RunFiles.sha256(one.outDir().resolve("model.safetensors")), two.remove("init_model_sha256").asText());
        ObjectNode recorded = twoRecord.deepCopy();
        // the committed stage 2 started from the committed stage 1's weights
        assertEquals(oneRecord.at("/files/model.safetensors/sha256").asText(), recorded.remove("init_model_sha256").asText());
        assertEquals(recorded.toString(), two.toString());
    }

    @Test
    void stageOptionsAreRefusedUnlessTheRecipeIsSingle() {
        CommandRun run = CommandRun.rrs("pretrain", "--epochs", "3", "--state", tmp.resolve("s").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, run.code());
        assertTrue(run.err().contains("--epochs define a single run") && run.err().contains("--recipe single"), run.err());
    }

    @Test
    void runsBothStagesAndResumesAKillInEitherToTheSameBytes() throws Exception {
        Path data = PretrainFixtures.dataset(tmp.resolve("data"));
        PretrainSettings whole = PretrainFixtures.settings(data, tmp.resolve("whole"), 0, 5);
        List<Integer> stagesSeen = new ArrayList<>();
        PretrainTrainer.Result r = PretrainRecipe.run(whole, false, Progress.none(), (s, l) -> {}, (stage, s, resuming) -> stagesSeen.add(stage));
        assertEquals(List.of(1, 2), stagesSeen);
        assertEquals(20, r.steps(), "stage 2: 16 examples in batches of 4, 5 epochs");
        Path one = PretrainRecipe.stage1(whole).outDir();
        assertEquals(20, JSON.readTree(one.resolve(PretrainFiles.MANIFEST).toFile()).get("step").asInt(), "stage 1: 8 examples in batches of 4, 10 epochs");
        assertEquals(RunFiles.sha256(one.resolve("model.safetensors")),
                JSON.readTree(whole.outDir().resolve(PretrainFiles.MANIFEST).toFile()).at("/settings/init_model_sha256").asText());
        assertArrayEquals(Files.readAllBytes(one.resolve(PretrainFiles.MANIFEST)), Files.readAllBytes(whole.outDir().resolve(PretrainRecipe.STAGE1_RECORD)));

        for (int[] kill : new int[][] {{1, 5}, {2, 6}}) {
            PretrainSettings s = PretrainFixtures.settings(data, tmp.resolve("killed-" + kill[0]), 0, 5);
            int[] stage = {0};
            RuntimeException killed = new RuntimeException("killed");
            assertEquals(killed, assertThrows(RuntimeException.class, () -> PretrainRecipe.run(s, false, Progress.none(), (step, l) -> {
                if (stage[0] == kill[0] && step == kill[1]) throw killed;
            }, (n, settings, resuming) -> stage[0] = n)));
            assertThrows(IOException.class, () -> PretrainRecipe.run(s, false, Progress.none(), (step, l) -> {}, (n, settings, resuming) -> {}),
                    "an existing state needs --resume");
            List<Boolean> resumed = new ArrayList<>();
            PretrainRecipe.run(s, true, Progress.none(), (step, l) -> {}, (n, settings, resuming) -> resumed.add(resuming));
            assertEquals(kill[0] == 1 ? List.of(true, false) : List.of(true, true), resumed, "kill in stage " + kill[0]);
            for (String file : List.of("model.safetensors", PretrainFiles.MANIFEST, PretrainRecipe.STAGE1_RECORD))
                assertArrayEquals(Files.readAllBytes(whole.outDir().resolve(file)), Files.readAllBytes(s.outDir().resolve(file)),
                        file + " after a kill in stage " + kill[0] + " and --resume");
        }
    }
}
