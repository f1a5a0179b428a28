package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.data.PromptSplit;
import io.rrs.data.SpokenDataset;
import io.rrs.model.ModelInput;
import io.rrs.model.ModelOutput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.RandomInit;
import io.rrs.model.Weights;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import io.rrs.train.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spoken-written match term: it reads the right positions, and training with it pulls the two together. */
class SpokenWrittenMatchTest {
    @TempDir
    static Path tmp;
    static Path data;
    static ChatTemplate template;

    @BeforeAll
    static void fixtures() throws Exception {
        data = PretrainFixtures.dataset(tmp.resolve("data"));
        template = new ChatTemplate(TextTokenizer.open(PretrainFixtures.tokenizer()));
    }

    private static List<PretrainMix.Example> epoch() throws Exception {
        SpokenDataset d = SpokenDataset.open(data);
        return new PretrainMix(d.select(PromptSplit.Split.TRAIN, null), d::wav, 7).epoch(0);
    }

    @Test
    void theSpokenStateIsTheLastPromptTokenOfEachRowAsIfRunAlone() throws Exception {
        Qwen2AudioModel model = new Qwen2AudioModel(PretrainFixtures.tinySize().toConfig(),
                new Weights(RandomInit.weights(PretrainFixtures.tinySize().toConfig(), 5), null));
        MelFeatureCache features = new MelFeatureCache(model.config());
        PretrainBatcher batcher = new PretrainBatcher(template, features);
        List<PretrainMix.Example> examples = epoch(); // every task, mixed lengths: left padding differs per row
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            PretrainBatcher.Prepared batch = batcher.batch(examples, true);
            ModelOutput out = model.forward(batch.tokens().input());
            Tensor spoken = SpokenWrittenMatch.spoken(out, batch.match());
            int matched = 0;
            for (int i = 0; i < batch.match().rows().length; i++) {
                PretrainMix.Example e = examples.get((int) batch.match().rows()[i]);
                assertTrue(SpokenWrittenMatch.applies(e.task()), e.task() + " is not a spoken compliant task");
                // the prompt alone (no answer) with its own clip: its last token must give the same state
                PretrainBatcher.Prepared alone = batcher.batch(List.of(e), false);
                int answerStart = batcher.sequence(e, features.clip(e.utteranceId(), e.wav())).answerStart();
                ModelInput in = alone.tokens().input();
                Tensor ids = in.inputIds().narrow(1, 0, answerStart), mask = in.attentionMask().narrow(1, 0, answerStart);
                Tensor expected = model.lastTokenHidden(new ModelInput(ids, mask, in.audioFeatures(), in.audioFrames()));
                double diff = spoken.select(0, i).sub(expected.select(0, 0)).abs().max().item_double();
                assertTrue(diff < 1e-4, e.task() + " " + e.utteranceId() + ": " + diff);
                matched++;
            }
            long expectedRows = examples.stream().filter(e -> SpokenWrittenMatch.applies(e.task())).count();
            assertEquals(expectedRows, matched);
            assertTrue(matched >= 2, "the fixture epoch has spoken compliant rows: " + matched);
            assertNull(batcher.batch(examples.stream().filter(e -> !e.task().hasAudio()).toList(), true).match(), "no spoken row, no term");
        }
    }

    @Test
    void trainingWithTheTermBringsSpokenAndWrittenCloser() throws Exception {
        double without = distanceAfterTraining("off", 0), with = distanceAfterTraining("on", 10);
        assertTrue(with < 0.5 * without, "mean squared spoken-written distance with the term " + with + " vs without " + without);
    }

    private double distanceAfterTraining(String name, double weight) throws Exception {
        PretrainSettings b = PretrainFixtures.settings(data, tmp.resolve(name), 40, 11);
        PretrainSettings s = new PretrainSettings(b.dataDir(), b.tokenizerFile(), b.outDir(), b.stateDir(), b.size(), b.epochs(), b.steps(),
                b.batchSize(), b.learningRate(), b.warmupFraction(), b.minLearningRateRatio(), b.weightDecay(), b.clipNorm(), b.seed(), b.limit(),
                b.threads(), null, 1.0, null, 0, weight);
        PretrainTrainer.train(s, false, Progress.none(), (step, l) -> {});
        assertEquals(weight != 0, java.nio.file.Files.readString(s.outDir().resolve("pretrain.json")).contains("match_text_weight"));
        Qwen2AudioModel model = Qwen2AudioModel.load(s.outDir());
        PretrainBatcher batcher = new PretrainBatcher(template, new MelFeatureCache(model.config()));
        List<PretrainMix.Example> spokenRows = new ArrayList<>(epoch().stream().filter(e -> SpokenWrittenMatch.applies(e.task())).toList());
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            PretrainBatcher.Prepared batch = batcher.batch(spokenRows, true);
            return SpokenWrittenMatch.loss(model, model.forward(batch.tokens().input()), batch.match()).item_double();
        }
    }
}
