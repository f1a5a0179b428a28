package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.Generated;
import io.rrs.model.GenerationOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import io.rrs.training.FormatTags;
import io.rrs.training.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full-parameter pretraining on four texts (eight tones) with a very small model: learning, files, determinism, resume. */
class PretrainTrainerTest {
    @TempDir
    static Path tmp;
    static Path data;
    static PretrainTrainer.Result first;

    @BeforeAll
    static void trainOnce() throws Exception {
        data = PretrainFixtures.dataset(tmp.resolve("data"));
        first = PretrainTrainer.train(PretrainFixtures.settings(data, tmp.resolve("a"), 30, 11), false, Progress.none(), (s, l) -> {});
    }

    @Test
    void lossFallsOverThirtySteps() {
        List<Double> l = first.losses();
        assertEquals(30, l.size());
        double start = (l.get(0) + l.get(1) + l.get(2)) / 3, end = (l.get(27) + l.get(28) + l.get(29)) / 3;
        assertTrue(l.get(0) > 6, "a random model starts near ln(2048) = 7.6: " + l.get(0));
        assertTrue(end < 0.6 * start, "loss should fall by 40% in 30 steps: " + l);
    }

    @Test
    void writesAModelThatLoadsAndGenerates() throws Exception {
        Path model = tmp.resolve("a/model");
        Set<String> files;
        try (Stream<Path> list = Files.list(model)) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertEquals(Set.of("config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json", "pretrain.json"), files);
        assertArrayEquals(Files.readAllBytes(PretrainFixtures.tokenizer()), Files.readAllBytes(model.resolve("tokenizer.json")));
        Qwen2AudioModel loaded = Qwen2AudioModel.load(model);
        ChatTemplate template = new ChatTemplate(TextTokenizer.open(model.resolve("tokenizer.json")));
        ChatTemplate.Encoded prompt = template.encode(ChatPrompt.textOnly(PretrainFixtures.TEXTS[0]));
        long[] ids = new long[prompt.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = prompt.ids()[i];
        List<Generated> out;
        try (NoGradGuard g = new NoGradGuard()) {
            out = loaded.generate(ModelInput.leftPadded(List.of(ids), template.padId()), new GenerationOptions(8, Set.of(2044L)), true);
        }
        assertEquals(1, out.size());
        assertTrue(out.get(0).tokens().length > 0, "generation produced no token");
        assertTrue(Files.readString(model.resolve("pretrain.json")).contains("\"step\" : 30"));
        // full-parameter training: every tensor moved from its seeded initial value, the audio tower's included, except
        // the tower's positions, Whisper's constant sinusoids
        java.util.Map<String, org.bytedeco.pytorch.Tensor> initial = io.rrs.model.RandomInit.weights(PretrainFixtures.tinySize().toConfig(), 11);
        List<String> unchanged = new ArrayList<>();
        initial.forEach((name, init) -> {
            if (loaded.weights().get(name).sub(init).abs().max().item_double() == 0) unchanged.add(name);
        });
        assertEquals(List.of(io.rrs.model.Qwen2AudioLayout.AUDIO_POSITIONS), unchanged, "what training left unchanged");
    }

    @Test
    void sameSeedGivesTheSameLossesAndOtherSeedsDiffer() throws Exception {
        List<Double> same = new ArrayList<>(), other = new ArrayList<>();
        PretrainTrainer.train(PretrainFixtures.settings(data, tmp.resolve("b"), 30, 11), false, Progress.none(), (s, l) -> same.add(l));
        assertEquals(first.losses(), same.subList(0, 30));
        PretrainTrainer.train(PretrainFixtures.settings(data, tmp.resolve("c"), 3, 12), false, Progress.none(), (s, l) -> other.add(l));
        assertFalse(other.get(0).equals(first.losses().get(0)), "another seed should start elsewhere");
    }

    @Test
    void resumeAfterAKillRepeatsTheUninterruptedRun() throws Exception {
        PretrainSettings s = PretrainFixtures.settings(data, tmp.resolve("d"), 30, 11);
        RuntimeException kill = new RuntimeException("killed");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> PretrainTrainer.train(s, false, Progress.none(), (step, l) -> {
            if (step == 10) throw kill; // the last state is the end of epoch 2 (step 8)
        }));
        assertEquals(kill, thrown);
        PretrainTrainer.Result resumed = PretrainTrainer.train(s, true, Progress.none(), (step, l) -> {});
        assertEquals(22, resumed.steps() - 8);
        assertEquals(first.losses(), resumed.losses());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/model/model.safetensors")), Files.readAllBytes(tmp.resolve("d/model/model.safetensors")));
    }

    @Test
    void stopAfterEndsEarlyOnTheFullScheduleAndAResumeFinishesItExactly() throws Exception {
        PretrainSettings whole = epochs(PretrainFixtures.settings(data, tmp.resolve("whole"), 0, 11), 5, 0);
        PretrainTrainer.Result uninterrupted = PretrainTrainer.train(whole, false, Progress.none(), (s, l) -> {});
        PretrainSettings early = epochs(PretrainFixtures.settings(data, tmp.resolve("early"), 0, 11), 5, 2);
        PretrainTrainer.Result stopped = PretrainTrainer.train(early, false, Progress.none(), (s, l) -> {});
        assertEquals(8, stopped.steps(), "two epochs of four batches");
        assertEquals(uninterrupted.losses().subList(0, 8), stopped.losses(), "the learning rate follows the five-epoch schedule");
        assertTrue(Files.readString(early.outDir().resolve("pretrain.json")).contains("\"epochs_done\" : 2"));
        PretrainTrainer.Result finished = PretrainTrainer.train(epochs(early, 5, 0), true, Progress.none(), (s, l) -> {});
        assertEquals(uninterrupted.losses(), finished.losses());
        assertArrayEquals(Files.readAllBytes(whole.outDir().resolve("model.safetensors")), Files.readAllBytes(early.outDir().resolve("model.safetensors")));
        assertThrows(IllegalArgumentException.class, () -> epochs(whole, 5, 6));
    }

    private static PretrainSettings epochs(PretrainSettings b, int epochs, int stopAfter) {
        return new PretrainSettings(b.dataDir(), b.tokenizerFile(), b.outDir(), b.stateDir(), b.size(), epochs, b.steps(), b.batchSize(), b.learningRate(),
                b.warmupFraction(), b.minLearningRateRatio(), b.weightDecay(), b.clipNorm(), b.seed(), b.limit(), b.threads(), b.initFrom(),
                b.firstTokenWeight(), b.tasks(), stopAfter);
    }

    @Test
    void aContinuedRunStartsFromTheInitWeightsAndRecordsThem() throws Exception {
        PretrainSettings base = PretrainFixtures.settings(data, tmp.resolve("cont"), 2, 11);
        Path init = tmp.resolve("a/model");
        // lr so small that two steps leave the weights where they started: the output must then be the init model
        PretrainSettings cont = new PretrainSettings(base.dataDir(), base.tokenizerFile(), base.outDir(), base.stateDir(), base.size(), base.epochs(),
                base.steps(), base.batchSize(), 1e-12, base.warmupFraction(), base.minLearningRateRatio(), 0.0, base.clipNorm(), base.seed(),
                base.limit(), base.threads(), init, 10.0, null, 0);
        PretrainTrainer.Result r = PretrainTrainer.train(cont, false, Progress.none(), (s, l) -> {});
        assertTrue(r.losses().get(0) < 0.8 * first.losses().get(0), "the first loss is the trained model's, not a random one's: " + r.losses());
        var a = io.rrs.model.safetensors.SafetensorsFile.open(init.resolve("model.safetensors"));
        var b = io.rrs.model.safetensors.SafetensorsFile.open(cont.outDir().resolve("model.safetensors"));
        for (String name : a.entries().keySet())
            assertTrue(a.tensor(name).sub(b.tensor(name)).abs().max().item_float() < 1e-6, name + " moved although lr was 1e-12");
        String manifest = Files.readString(cont.outDir().resolve("pretrain.json"));
        assertTrue(manifest.contains("init_model_sha256") && manifest.contains("first_token_weight"), manifest);
    }

    @Test
    void theModelAndTheStateCarryTheirFormatTagsAndOthersAreRefused() throws Exception {
        Path model = tmp.resolve("a/model");
        FormatTags.assertOwned(model.resolve(PretrainFiles.MANIFEST), PretrainFiles.MODEL_FORMAT, "rrs pretrain", () -> PretrainFiles.verifyModel(model));
        PretrainSettings s = PretrainFixtures.settings(data, tmp.resolve("a"), 30, 11);
        Path state = PretrainFiles.latest(s.stateDir());
        FormatTags.assertOwned(state.resolve(PretrainFiles.STATE_MANIFEST), PretrainFiles.STATE_FORMAT, "--state", () -> PretrainFiles.loadState(s));
    }

    @Test
    void refusesToOverwriteAStateAndRefusesResumeWithOtherSettings() throws Exception {
        PretrainSettings again = PretrainFixtures.settings(data, tmp.resolve("a"), 30, 11);
        assertThrows(java.io.IOException.class, () -> PretrainTrainer.train(again, false, Progress.none(), (s, l) -> {}));
        PretrainSettings changed = PretrainFixtures.settings(data, tmp.resolve("a"), 30, 99);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PretrainTrainer.train(changed, true, Progress.none(), (s, l) -> {}));
        assertTrue(e.getMessage().contains("same options"), e.getMessage());
    }
}
