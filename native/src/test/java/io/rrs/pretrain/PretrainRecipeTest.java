package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import io.rrs.training.CommandRun;
import io.rrs.training.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The recipes: the demo's stages ({@code rrs pretrain} with no options) are the settings recorded with the committed
 * model; on the four-text fixture each recipe runs its stages, hands each stage's model to the next by hash, and a kill
 * in any stage followed by {@code --resume} gives the uninterrupted run's bytes.
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

        PretrainRecipe demo = PretrainRecipe.DEMO;
        assertEquals(2, demo.stages().size());
        PretrainSettings one = demo.settings(shared, 0);
        JsonNode oneRecord = PretrainFiles.readModelRecord(committed.resolve(PretrainRecipe.recordName(demo.stages().get(0))));
        assertEquals(oneRecord.get("settings").toString(), PretrainFiles.settingsJson(one).toString()); // as text: a long and an int node differ

        // stage 2 hashes stage 1's model: stand one in, and compare the rest of the settings
        Files.createDirectories(one.outDir());
        Files.writeString(one.outDir().resolve("model.safetensors"), "stand-in");
        ObjectNode two = PretrainFiles.settingsJson(demo.settings(shared, 1));
        JsonNode twoRecord = PretrainFiles.verifyModel(committed).get("settings"); // the committed files are the ones it lists
        assertEquals(AtomicFiles.sha256(one.outDir().resolve("model.safetensors")), two.remove("init_model_sha256").asText());
        ObjectNode recorded = twoRecord.deepCopy();
        // the committed stage 2 started from the committed stage 1's weights
        assertEquals(oneRecord.at("/files/model.safetensors/sha256").asText(), recorded.remove("init_model_sha256").asText());
        assertEquals(recorded.toString(), two.toString());

        // the committed front-end is the one pretraining trains with and writes
        assertEquals(PretrainFiles.frontEnd(null, demo.settings(shared, 1).size().toConfig()),
                io.rrs.frontend.PreprocessorConfig.read(committed.resolve(io.rrs.frontend.PreprocessorConfig.FILE)));
    }

    @Test
    void stageOptionsAreRefusedUnlessTheRecipeIsSingle() {
        CommandRun run = CommandRun.rrs("pretrain", "--epochs", "3", "--state", tmp.resolve("s").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, run.code(), "contradicting options are a usage error");
        assertTrue(run.err().contains("--epochs define a single run") && run.err().contains("--recipe single"), run.err());
    }

    @Test
    void noProgressDrawsNoBarAndKeepsTheEpochLine() throws Exception {
        Path data = PretrainFixtures.dataset(tmp.resolve("data"));
        CommandRun[] runs = new CommandRun[2];
        for (int i = 0; i < 2; i++) {
            List<String> args = new java.util.ArrayList<>(List.of("pretrain", "--recipe", "single", "--data", data.toString(), "--tokenizer",
                    PretrainFixtures.tokenizer().toString(), "--epochs", "1", "--steps", "2", "--batch-size", "4", "--threads", "1",
                    "--out", tmp.resolve("o" + i).toString(), "--state", tmp.resolve("s" + i).toString()));
            if (i == 1) args.add("--no-progress");
            runs[i] = CommandRun.rrs(args.toArray(String[]::new));
            assertEquals(0, runs[i].code(), runs[i].err());
            assertTrue(runs[i].err().contains("epoch 1: mean loss"), runs[i].err());
        }
        assertTrue(runs[0].err().contains("2/2 steps"), "the bar is drawn by default: " + runs[0].err());
        assertFalse(runs[1].err().contains(" steps ("), "no bar with --no-progress: " + runs[1].err());
    }

    /** Kills, as (stage index, step within the stage), each after the stage wrote a state (one per epoch). */
    @Test
    void demoRunsBothStagesAndResumesAKillInEitherToTheSameBytes() throws Exception {
        runsEveryStageAndResumes(PretrainRecipe.DEMO, List.of(20, 20), new int[][] {{0, 5}, {1, 6}});
    }

    @Test
    void hearingRunsFourStagesAndResumesAKillInTheGroundingOrTheLastToTheSameBytes() throws Exception {
        // grounding: 8 clips (one example each) in batches of 4, 18 epochs; the mixes: 16 chat + 8 transcribe examples a pass
        runsEveryStageAndResumes(PretrainRecipe.HEARING, List.of(20, 36, 18, 30), new int[][] {{1, 7}, {3, 8}});
    }

    /**
     * The knowing recipe on the fixture, with the teacher's word-piece tokenizer and a tiny model of its vocabulary: 2
     * steps an epoch, 12 epochs; killed in epoch 5. Its model folder is bfloat16, holds the teacher's table unchanged
     * (frozen) and no distillation head, and loads.
     */
    @Test
    void knowingRunsWithTheTeacherAndResumesAKillToTheSameBytes() throws Exception {
        Path tokenizer = io.rrs.teacher.MiniLmChatTokenizer.write(tmp.resolve("tokenizer.json"));
        runsEveryStageAndResumes(PretrainRecipe.KNOWING, List.of(24), new int[][] {{0, 9}}, (data, work) -> knowingSettings(data, work, tokenizer));
        Path model = tmp.resolve("knowing-whole/model");
        var file = io.rrs.model.safetensors.SafetensorsFile.open(model.resolve("model.safetensors"));
        assertTrue(file.entries().keySet().stream().noneMatch(TrainingHead::owns), "no head in the model folder");
        String embed = io.rrs.model.Qwen2AudioLayout.TEXT + "embed_tokens.weight";
        assertEquals("BF16", file.entries().get(embed).dtype().name());
        PretrainSettings s = knowingSettings(tmp.resolve("data"), tmp.resolve("check"), tokenizer);
        try (io.rrs.teacher.MiniLmEncoder teacher = io.rrs.teacher.MiniLmEncoder.open()) {
            org.bytedeco.pytorch.Tensor initial = TeacherEmbeddings.embedTokens(teacher.wordEmbeddings(), s.size().vocabSize(), s.size().textWidth(), s.seed());
            assertArrayEquals(io.rrs.model.Tensors.toFloats(initial.to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16)
                            .to(org.bytedeco.pytorch.global.torch.ScalarType.Float)),
                    io.rrs.model.Tensors.toFloats(file.tensor(embed).to(org.bytedeco.pytorch.global.torch.ScalarType.Float)), "embed_tokens frozen");
        }
        assertEquals("same", JSON.readTree(model.resolve(PretrainFiles.MANIFEST).toFile()).at("/settings/answer_opening").asText());
        io.rrs.model.Qwen2AudioModel.load(model); // the loader reads the bfloat16 folder
    }

    /**
     * The committed demo model (models/demo-knowing) is the knowing-hearing recipe's output at the command's defaults: every
     * stage's record holds that stage's settings, each stage started from the previous stage's recorded weights and heads,
     * and the folder's files are the ones its record lists.
     */
    @Test
    void theCommittedKnowingModelRecordsEveryStageOfTheKnowingHearingRecipe() throws Exception {
        PretrainCommand command = new PretrainCommand();
        new CommandLine(command).parseArgs("--recipe", "knowing-hearing", "--state", tmp.resolve("state").toString());
        PretrainSettings shared = command.settings();
        Path committed = PretrainFixtures.repoRoot().resolve("models/demo-knowing");
        PretrainRecipe recipe = PretrainRecipe.KNOWING_HEARING;
        int last = recipe.stages().size() - 1;
        JsonNode previous = null;
        for (int i = 0; i <= last; i++) {
            JsonNode record = i == last ? PretrainFiles.verifyModel(committed)
                    : PretrainFiles.readModelRecord(committed.resolve(PretrainRecipe.recordName(recipe.stages().get(i))));
            if (i > 0) { // a stage's settings hash the previous stage's model: stand one in, and check the chain on the records
                Files.createDirectories(recipe.modelDir(shared, i - 1));
                Files.writeString(recipe.modelDir(shared, i - 1).resolve("model.safetensors"), "stand-in");
                Files.writeString(recipe.modelDir(shared, i - 1).resolve(PretrainFiles.TRAINING_HEADS), "stand-in");
            }
            ObjectNode expected = PretrainFiles.settingsJson(recipe.settings(shared, i)), recorded = record.get("settings").deepCopy();
            for (String key : List.of("init_model_sha256", "init_heads_sha256")) {
                expected.remove(key);
                JsonNode init = recorded.remove(key);
                if (previous != null) {
                    String file = key.equals("init_model_sha256") ? "model.safetensors" : PretrainFiles.TRAINING_HEADS;
                    assertEquals(previous.at("/files/" + file + "/sha256").asText(), init.asText(), "stage " + i + " starts from stage " + (i - 1) + "'s " + file);
                }
            }
            assertEquals(expected.toString(), recorded.toString(), "stage " + recipe.stages().get(i).name());
            previous = record;
        }
    }

    /**
     * The knowing-hearing recipe on the many-voice fixture (hearing sentences; a text with more renditions than an epoch
     * uses): written 24 steps, hear {@value PretrainRecipe#HEAR_EPOCHS} epochs of 13 clips in 4 batches, the characters
     * alone, then answer (the chat tasks, spoken and written). In hear only the audio tower and projector move (the decoder
     * keeps the written stage's bytes, the positions their sinusoids), its batches are masked (recorded), and the written
     * stage's distillation head is carried unchanged next to the new spelling head; in answer every weight but the
     * teacher's frozen word embeddings and the tower's positions moves.
     * A kill in hear, then --resume runs the rest (hear from its checkpoint, answer from the start): the whole recipe's bytes.
     */
    @Test
    void knowingHearingSpellsWithTheDecoderUntouchedCarriesTheHeadsAndResumesAKillToTheSameBytes() throws Exception {
        Path tokenizer = io.rrs.teacher.MiniLmChatTokenizer.write(tmp.resolve("tokenizer.json"));
        PretrainRecipe recipe = PretrainRecipe.KNOWING_HEARING;
        int hear = 4 * PretrainRecipe.HEAR_EPOCHS, answer = ANSWER_STEPS * PretrainRecipe.ANSWER_EPOCHS;
        runsEveryStageAndResumes(recipe, List.of(24, hear, answer), new int[][] {{1, hear - 3}},
                (data, work) -> knowingSettings(data, work, tokenizer), dir -> PretrainFixtures.manyVoiceDataset(dir, 3));
        PretrainSettings whole = knowingSettings(tmp.resolve("data"), tmp.resolve(recipe.name() + "-whole"), tokenizer);
        List<io.rrs.model.safetensors.SafetensorsFile> models = new ArrayList<>(), heads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            models.add(io.rrs.model.safetensors.SafetensorsFile.open(recipe.modelDir(whole, i).resolve("model.safetensors")));
            heads.add(io.rrs.model.safetensors.SafetensorsFile.open(recipe.modelDir(whole, i).resolve(PretrainFiles.TRAINING_HEADS)));
        }
        for (String name : models.get(0).entries().keySet()) {
            boolean hearing = PretrainFixtures.trainedByHearing(name);
            assertEquals(!hearing, sameValues(models.get(0), models.get(1), name), name + (hearing ? " must train in hear" : " must keep the written stage's bytes in hear"));
            boolean fixed = Distillation.FROZEN.contains(name) || name.equals(io.rrs.model.Qwen2AudioLayout.AUDIO_POSITIONS);
            assertEquals(fixed, sameValues(models.get(1), models.get(2), name), name + (fixed ? " is frozen" : " must train in answer"));
        }
        assertEquals(java.util.Set.of(Distillation.HEAD_WEIGHT, TrainingHead.DISTILL.bias()), heads.get(0).entries().keySet(), "written trains the distillation head");
        assertTrue(sameValues(heads.get(0), heads.get(1), Distillation.HEAD_WEIGHT), "hear carries the written stage's distillation head unchanged");
        assertTrue(heads.get(1).entries().containsKey(Spelling.HEAD_WEIGHT), "hear's spelling head travels with its model");
        JsonNode answered = JSON.readTree(whole.outDir().resolve(PretrainFiles.MANIFEST).toFile()).get("settings");
        assertTrue(answered.path("decoder_frozen").isMissingNode() && answered.path("spelling_weight").isMissingNode(), answered.toString());
        assertEquals("audio-text-comply,audio-text-refuse,audio-only-comply,text-comply,text-refuse", answered.path("tasks").asText());
        JsonNode heard = JSON.readTree(whole.outDir().resolve("hear-pretrain.json").toFile()).get("settings");
        assertTrue(heard.path("init_heads_sha256").isTextual());
        assertEquals(SpecAugment.DESCRIPTION, heard.path("transcription_masking").asText());
        assertEquals(PretrainRecipe.HEAR_EPOCHS, heard.path("spell_first_epochs").asInt(), "hear spells alone throughout");
        assertTrue(heard.path("decoder_frozen").isMissingNode());
        assertTrue(JSON.readTree(whole.outDir().resolve("written-pretrain.json").toFile()).at("/settings/transcription_masking").isMissingNode(),
                "the written stage's settings stay those of --recipe knowing");
    }

    /** Steps of one answer epoch on the many-voice fixture (its training texts x the five chat tasks, batches of 4). */
    private static final int ANSWER_STEPS = 5;

    @Test
    void theMeaningAloneMovesOnlyTheAudioSideThroughTheFrozenDecoder() throws Exception {
        Path tokenizer = io.rrs.teacher.MiniLmChatTokenizer.write(tmp.resolve("tokenizer.json"));
        PretrainRecipe recipe = new PretrainRecipe("meaning-alone", List.of(
                new PretrainRecipe.Stage("written", java.util.EnumSet.of(PretrainTask.TEXT_COMPLY), 1, 0, 1, 1),
                new PretrainRecipe.Stage("meaning", java.util.EnumSet.of(PretrainTask.AUDIO_MEANING), 2, 0, 1, 1, 0, 0, true)), new PretrainSettings.Teacher(1));
        PretrainSettings s = knowingSettings(PretrainFixtures.manyVoiceDataset(tmp.resolve("data"), 3), tmp.resolve("run"), tokenizer);
        recipe.run(s, false, Progress.none(), (step, l) -> {}, (i, st, settings, resuming) -> {});
        var before = io.rrs.model.safetensors.SafetensorsFile.open(recipe.modelDir(s, 0).resolve("model.safetensors"));
        var after = io.rrs.model.safetensors.SafetensorsFile.open(recipe.modelDir(s, 1).resolve("model.safetensors"));
        for (String name : before.entries().keySet()) {
            boolean hearing = PretrainFixtures.trainedByHearing(name);
            assertEquals(!hearing, sameValues(before, after, name), name + (hearing ? ": the distillation's gradient reaches the audio side" : " is frozen"));
        }
        JsonNode losses = JSON.readTree(PretrainFiles.latest(recipe.stateDir(s, 1)).resolve(PretrainFiles.STATE).toFile()).get("losses");
        assertEquals(8, losses.size(), "13 meaning examples an epoch in batches of 4 (p0: 4 of its 5 renditions, p1-p3: 2 each, 3 sentences)");
        for (JsonNode l : losses) assertTrue(l.asDouble() > 0 && l.asDouble() < 2, "1 - cosine: " + l);
    }

    private static boolean sameValues(io.rrs.model.safetensors.SafetensorsFile a, io.rrs.model.safetensors.SafetensorsFile b, String name) throws IOException {
        return java.util.Arrays.equals(io.rrs.model.Tensors.toFloats(a.tensor(name).to(org.bytedeco.pytorch.global.torch.ScalarType.Float)),
                io.rrs.model.Tensors.toFloats(b.tensor(name).to(org.bytedeco.pytorch.global.torch.ScalarType.Float)));
    }

    /** The fixture's settings with the teacher's tokenizer and a tiny model of its 30528 ids. */
    private static PretrainSettings knowingSettings(Path data, Path work, Path tokenizer) throws IOException {
        try (io.rrs.text.TextTokenizer t = io.rrs.text.TextTokenizer.open(tokenizer)) {
            long audio = new io.rrs.text.ChatTemplate(t).audioTokenId();
            DemoModelSize size = new DemoModelSize(32, 1, 4, 64, 80, 100, 48, 2, 6, 2, 96, t.vocabSize(), 512, audio);
            return new PretrainSettings(data, tokenizer, work.resolve("model"), work.resolve("state"), size, 100, 0, 4, 3e-3, 0.1, 0.1,
                    0.0, 1.0, 5, 0, 1);
        }
    }

    @FunctionalInterface
    private interface Fixture {
        PretrainSettings settings(Path data, Path work) throws IOException;
    }

    private void runsEveryStageAndResumes(PretrainRecipe recipe, List<Integer> stepsPerStage, int[][] kills) throws Exception {
        runsEveryStageAndResumes(recipe, stepsPerStage, kills, (data, work) -> PretrainFixtures.settings(data, work, 0, 5));
    }

    @FunctionalInterface
    private interface DatasetMaker {
        Path make(Path dir) throws IOException;
    }

    private void runsEveryStageAndResumes(PretrainRecipe recipe, List<Integer> stepsPerStage, int[][] kills, Fixture fixture) throws Exception {
        runsEveryStageAndResumes(recipe, stepsPerStage, kills, fixture, PretrainFixtures::dataset);
    }

    private void runsEveryStageAndResumes(PretrainRecipe recipe, List<Integer> stepsPerStage, int[][] kills, Fixture fixture, DatasetMaker dataset)
            throws Exception {
        Path data = dataset.make(tmp.resolve("data"));
        PretrainSettings whole = fixture.settings(data, tmp.resolve(recipe.name() + "-whole"));
        List<Integer> stagesSeen = new ArrayList<>();
        PretrainTrainer.Result r = recipe.run(whole, false, Progress.none(), (s, l) -> {}, (i, stage, s, resuming) -> stagesSeen.add(i));
        int last = recipe.stages().size() - 1;
        assertEquals(java.util.stream.IntStream.rangeClosed(0, last).boxed().toList(), stagesSeen);
        assertEquals((long) stepsPerStage.get(last), r.steps());
        for (int i = 0; i < last; i++) {
            Path model = recipe.modelDir(whole, i);
            assertEquals((int) stepsPerStage.get(i), JSON.readTree(model.resolve(PretrainFiles.MANIFEST).toFile()).get("step").asInt(), "stage " + i);
            assertEquals(AtomicFiles.sha256(model.resolve("model.safetensors")),
                    JSON.readTree(recipe.modelDir(whole, i + 1).resolve(PretrainFiles.MANIFEST).toFile()).at("/settings/init_model_sha256").asText(),
                    "stage " + (i + 1) + " starts from stage " + i + "'s weights");
            assertArrayEquals(Files.readAllBytes(model.resolve(PretrainFiles.MANIFEST)),
                    Files.readAllBytes(whole.outDir().resolve(PretrainRecipe.recordName(recipe.stages().get(i)))));
        }

        for (int[] kill : kills) {
            PretrainSettings s = fixture.settings(data, tmp.resolve(recipe.name() + "-killed-" + kill[0] + "-" + kill[1]));
            int[] stage = {-1};
            RuntimeException killed = new RuntimeException("killed");
            assertEquals(killed, assertThrows(RuntimeException.class, () -> recipe.run(s, false, Progress.none(), (step, l) -> {
                if (stage[0] == kill[0] && step == kill[1]) throw killed;
            }, (i, st, settings, resuming) -> stage[0] = i)));
            assertThrows(IOException.class, () -> recipe.run(s, false, Progress.none(), (step, l) -> {}, (i, st, settings, resuming) -> {}),
                    "an existing state needs --resume");
            List<Boolean> resumed = new ArrayList<>();
            recipe.run(s, true, Progress.none(), (step, l) -> {}, (i, st, settings, resuming) -> resumed.add(resuming));
            for (int i = 0; i <= last; i++) assertEquals(i <= kill[0], resumed.get(i), "kill in stage " + kill[0] + ": stage " + i + " resumed");
            List<String> files = new ArrayList<>();
            for (int i = 0; i < last; i++) files.add(PretrainRecipe.recordName(recipe.stages().get(i)));
            files.addAll(List.of(PretrainFiles.MANIFEST, "model.safetensors", io.rrs.frontend.PreprocessorConfig.FILE));
            for (String file : files)
                assertArrayEquals(Files.readAllBytes(whole.outDir().resolve(file)), Files.readAllBytes(s.outDir().resolve(file)),
                        file + " after a kill in stage " + kill[0] + " and --resume");
        }
    }
}
