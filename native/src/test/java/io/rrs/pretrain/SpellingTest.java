package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.RandomInit;
import io.rrs.model.Weights;
import io.rrs.text.ChatTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hearing stage's spelling aid: the symbols of a text, and the combined loss on the four-text fixture. */
class SpellingTest {
    @TempDir
    Path tmp;

    /** a=1 ... z=26, 0=27 ... 9=36, apostrophe 37, word break 38. */
    private static int[] spell(String s) {
        return s.chars().map(c -> c == ' ' ? 38 : c == '\'' ? 37 : c >= '0' && c <= '9' ? 27 + c - '0' : 1 + c - 'a').toArray();
    }

    @Test
    void symbolsAreLowerCaseLettersDigitsApostrophesAndOneBreakBetweenWords() {
        assertArrayEquals(spell("how do i"), Spelling.symbols("How do I?"));
        assertArrayEquals(spell("don't stop"), Spelling.symbols("  \"Don’t   stop!\" "));
        assertArrayEquals(spell("cafe naive 42 x"), Spelling.symbols("Café, naïve -- 42/x."));
        assertArrayEquals(spell("its"), Spelling.symbols("'its'"), "a quote mark around a word is not spelled");
        assertEquals(0, Spelling.symbols("?!").length);
        for (int s : Spelling.symbols("Every letter: The quick brown fox jumps over the lazy dog 0123456789'x"))
            assertTrue(s > Spelling.BLANK && s < Spelling.SYMBOLS, "symbol " + s);
    }

    @Test
    void symbolsSpellBackToTheirText() {
        assertEquals("how do i", Spelling.text(Spelling.symbols("How do I?")));
        assertEquals("don't stop 42 times", Spelling.text(Spelling.symbols("  \"Don\u2019t  stop -- 42 times!\" ")));
        assertEquals("cafe naive", Spelling.text(Spelling.symbols("Café, naïve.")));
        assertEquals("", Spelling.text(Spelling.symbols("?!")));
        int[] every = new int[Spelling.SYMBOLS - 1];
        for (int s = 1; s < Spelling.SYMBOLS; s++) every[s - 1] = s;
        assertEquals("abcdefghijklmnopqrstuvwxyz0123456789' ", Spelling.text(every));
        assertArrayEquals(spell("x  y'"), new int[] {24, 38, 38, 25, 37});
        assertEquals("x  y'", Spelling.text(spell("x  y'")), "what a head spells is written as heard, breaks and all");
        for (String s : List.of("the quick brown fox", "it's 9 o'clock", "a b c"))
            assertArrayEquals(Spelling.symbols(s), Spelling.symbols(Spelling.text(Spelling.symbols(s))), s);
        assertThrows(IllegalArgumentException.class, () -> Spelling.text(new int[] {1, (int) Spelling.BLANK}));
        assertThrows(IllegalArgumentException.class, () -> Spelling.text(new int[] {Spelling.SYMBOLS}));
    }

    @Test
    void greedyDecodingTakesEachRowsBestMergesRepeatsAndDropsBlanks() {
        // best ids per row (blank 0): clip 1 "1 1 0 1 2 2 0 0 3" -> 1 1 2 3 (a blank between equal ids keeps both), clip 2 "0 0" -> nothing,
        // clip 3 "2 3 3 1" -> 2 3 1
        long[][] best = {{1, 1, 0, 1, 2, 2, 0, 0, 3}, {0, 0}, {2, 3, 3, 1}};
        List<Float> rows = new ArrayList<>();
        int n = 0;
        for (long[] clip : best)
            for (long id : clip) {
                for (int v = 0; v < 4; v++) rows.add(v == id ? 2.5f : -1f + 0.1f * v);
                n++;
            }
        float[] scores = new float[rows.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = rows.get(i);
        List<int[]> decoded = TranscriptionLoss.greedy(io.rrs.model.Tensors.floats(scores, n, 4), new long[] {9, 2, 4}, 0);
        assertEquals(3, decoded.size());
        assertArrayEquals(new int[] {1, 1, 2, 3}, decoded.get(0));
        assertArrayEquals(new int[] {}, decoded.get(1));
        assertArrayEquals(new int[] {2, 3, 1}, decoded.get(2));
    }

    @Test
    void theHeadSpellsTwoConsecutiveSlotsPerFrame() {
        // an identity head: frame f's logits are its own values, slot k in columns [k * SYMBOLS, (k + 1) * SYMBOLS)
        int width = Spelling.PER_FRAME * Spelling.SYMBOLS;
        Map<String, Tensor> head = new LinkedHashMap<>();
        head.put(Spelling.HEAD_WEIGHT, org.bytedeco.pytorch.global.torch.eye(width));
        head.put(Spelling.HEAD_BIAS, io.rrs.model.Tensors.floats(new float[width], width));
        // clip 1: (t, e) (l, blank) (l, l) -> "tell"; clip 2: (a, a) (break, b) -> "a b"
        int[][] slots = {{20, 5}, {12, 0}, {12, 12}, {1, 1}, {38, 2}};
        float[] frames = new float[slots.length * width];
        for (int f = 0; f < slots.length; f++)
            for (int k = 0; k < Spelling.PER_FRAME; k++) frames[f * width + k * Spelling.SYMBOLS + slots[f][k]] = 1;
        List<int[]> spelled = Spelling.greedy(head, io.rrs.model.Tensors.floats(frames, slots.length, width), new long[] {3, 2});
        assertEquals(List.of("tell", "a b"), spelled.stream().map(Spelling::text).toList());
    }

    @Test
    void theCombinedLossIsTheWordPiecesPlusTheWeightedSpellingAndReachesOnlyTowerProjectorAndHead() throws Exception {
        Qwen2AudioConfig config = PretrainFixtures.tinySize().toConfig();
        Map<String, Tensor> weights = new LinkedHashMap<>(RandomInit.weights(config, 3));
        Spelling.initialise(weights, config.text().hiddenSize(), 5);
        Tensor head = weights.get(Spelling.HEAD_WEIGHT);
        assertEquals(List.of((long) Spelling.PER_FRAME * Spelling.SYMBOLS, (long) config.text().hiddenSize()), List.of(head.size(0), head.size(1)));
        Spelling.initialise(weights, config.text().hiddenSize(), 6);
        assertTrue(head == weights.get(Spelling.HEAD_WEIGHT), "an existing head is kept");
        for (Tensor w : weights.values()) w.requires_grad_(true);
        Qwen2AudioModel model = new Qwen2AudioModel(config, new Weights(weights, null));
        PretrainFixtures.TranscriptionClips fixture = PretrainFixtures.transcriptionClips(tmp.resolve("data"), config);
        ChatTemplate template = fixture.template();
        PretrainBatcher.Transcription t = fixture.batch();
        List<PretrainMix.Example> clips = fixture.clips();
        List<String> texts = clips.stream().map(PretrainMix.Example::question).toList();

        double words = TranscriptionLoss.loss(model, t.features(), t.validFrames(), t.targets(), template.padId()).item_double();
        double none = TranscriptionLoss.lossWithSpelling(model, weights, t.features(), t.validFrames(), t.targets(), template.padId(), texts, true, 0).item_double();
        double alone = TranscriptionLoss.lossWithSpelling(model, weights, t.features(), t.validFrames(), t.targets(), template.padId(), texts, false, 0.5).item_double();
        Tensor combined = TranscriptionLoss.lossWithSpelling(model, weights, t.features(), t.validFrames(), t.targets(), template.padId(), texts, true, 0.5);
        assertEquals(words, none, 1e-6 * words, "weight 0 is the word pieces' loss");
        double spelled = Spelling.loss(weights, model.encodeAudio(t.features(), t.validFrames()), TranscriptionLoss.pooledLengths(t.validFrames()), texts).item_double();
        assertTrue(spelled > 1, "a random head spells badly: " + spelled);
        assertEquals(words + 0.5 * spelled, combined.item_double(), 1e-5 * combined.item_double());
        assertEquals(0.5 * spelled, alone, 1e-6 * alone, "without the word pieces: the spelling term alone");

        combined.backward();
        List<String> withGradient = new ArrayList<>();
        weights.forEach((name, w) -> {
            if (w.grad().defined() && w.grad().abs().sum().item_double() > 0) withGradient.add(name);
        });
        for (String name : withGradient)
            assertTrue(name.startsWith(Qwen2AudioLayout.AUDIO) || name.startsWith(Qwen2AudioLayout.PROJECTOR) || name.startsWith("spelling_head."),
                    name + " got a gradient");
        assertTrue(withGradient.containsAll(List.of(Spelling.HEAD_WEIGHT, Spelling.HEAD_BIAS, Qwen2AudioLayout.AUDIO + "conv1.weight")), withGradient.toString());
        assertTrue(TrainingHead.owns(Spelling.HEAD_WEIGHT) && TrainingHead.owns(Distillation.HEAD_WEIGHT)
                && !TrainingHead.owns(Qwen2AudioLayout.PROJECTOR + "weight"));
        assertThrows(IllegalArgumentException.class, () -> Spelling.loss(weights, head.new_zeros(new long[] {4, config.text().hiddenSize()}), new long[] {4},
                List.of("?!")));
    }

    @Test
    void theAudioStagesSpellAloneWithoutTheWordPiecesAndTheirRecordsSaySo() throws Exception {
        PretrainSettings shared = PretrainFixtures.settings(tmp.resolve("d"), tmp.resolve("r"), 1, 1);
        PretrainRecipe r = PretrainRecipe.KNOWING_HEARING;
        for (int stage = 0; stage < 2; stage++) { // a later stage's settings hash the earlier stage's model
            java.nio.file.Files.createDirectories(r.modelDir(shared, stage));
            java.nio.file.Files.writeString(r.modelDir(shared, stage).resolve("model.safetensors"), "weights of stage " + stage);
        }
        double w = PretrainRecipe.SPELLING_WEIGHT;
        assertEquals(List.of(0.0, w, 0.0), r.stages().stream().map(PretrainRecipe.Stage::spellingWeight).toList());
        assertEquals(List.of(0, PretrainRecipe.HEAR_EPOCHS, 0), r.stages().stream().map(PretrainRecipe.Stage::spellFirst).toList(),
                "no stage scores the word pieces");
        assertTrue(!PretrainFiles.spells(r.settings(shared, 0)) && !PretrainFiles.settingsJson(r.settings(shared, 0)).has("spelling_weight"),
                "the written stage does not spell (and nothing is recorded)");
        PretrainSettings hear = r.settings(shared, 1);
        assertEquals(w, hear.teacher().spellingWeight());
        assertTrue(PretrainFiles.spells(hear));
        assertEquals(hear.epochs(), PretrainFiles.settingsJson(hear).get("spell_first_epochs").asInt());
        assertTrue(!PretrainFiles.settingsJson(hear).has("decoder_frozen"));
        PretrainSettings answer = r.settings(shared, 2);
        assertTrue(!PretrainFiles.spells(answer) && !PretrainFiles.settingsJson(answer).has("spelling_weight"), "answer does not spell");
        assertTrue(!PretrainFiles.settingsJson(answer).has("decoder_frozen"), "answer trains the decoder too");
    }

    @Test
    void spellFirstNeedsTheSpellingAidAndAtMostTheStagesEpochs() {
        var transcribe = java.util.EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE);
        assertEquals(3, new PretrainRecipe.Stage("s", transcribe, 4, 0, 1, 2, 1, 3, false).spellFirst());
        assertEquals(4, new PretrainRecipe.Stage("s", transcribe, 4, 0, 1, 2, 1, 4, false).spellFirst(), "every epoch spelling alone");
        assertThrows(IllegalArgumentException.class, () -> new PretrainRecipe.Stage("s", transcribe, 4, 0, 1, 2, 1, 5, false), "more than the stage's epochs");
        assertThrows(IllegalArgumentException.class, () -> new PretrainRecipe.Stage("s", transcribe, 4, 0, 1, 2, 0, 2, false), "no spelling aid");
        assertThrows(IllegalArgumentException.class, () -> new PretrainRecipe.Stage("s", transcribe, 4, 0, 1, 2, 1, -1, false));
        assertThrows(IllegalArgumentException.class, () -> new PretrainSettings.Teacher(1).forStage(0, 2, false));
        assertEquals(2, new PretrainSettings.Teacher(1).forStage(1, 2, false).spellFirstEpochs());
        assertThrows(IllegalArgumentException.class, () -> new PretrainRecipe.Stage("s", java.util.EnumSet.of(PretrainTask.TEXT_COMPLY), 4, 0, 1, 1, 0, 0, true),
                "a frozen decoder with nothing that trains the audio side");
    }
}
