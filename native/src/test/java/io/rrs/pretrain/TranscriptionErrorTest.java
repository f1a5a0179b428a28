package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.data.Manifest;
import io.rrs.data.SpokenDataset;
import io.rrs.io.Npy;
import io.rrs.model.PythonRunner;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.RandomInit;
import io.rrs.model.Tensors;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import io.rrs.training.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token error's edit distance against hand-counted cases; {@code rrs pretrain transcription-error --state} on a tiny
 * run's state: a head that spells one letter (hand-counted), a random head against src/test/python/spelling_reference.py,
 * and a state without a head.
 */
class TranscriptionErrorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void editDistanceCountsSubstitutionsInsertionsAndDeletions() {
        assertEquals(0, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {1, 2, 3}));
        assertEquals(3, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {}));
        assertEquals(2, TranscriptionError.editDistance(new int[] {}, new int[] {4, 5}));
        assertEquals(1, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {1, 9, 3}), "one substitution");
        assertEquals(1, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {1, 3}), "one deletion");
        assertEquals(1, TranscriptionError.editDistance(new int[] {1, 3}, new int[] {1, 2, 3}), "one insertion");
        assertEquals(3, TranscriptionError.editDistance(new int[] {7, 1, 2, 3, 4}, new int[] {1, 2, 5, 3}), "kitten/sitting-like: delete, insert, substitute");
        assertEquals(2, TranscriptionError.editDistance(new int[] {1, 2}, new int[] {2, 1}));
    }

    /** The fixture's model folder (tower seed 3) and a state of the same shape (tower seed 4) holding a spelling head shaped by {@code head}. */
    private Path[] modelAndState(Path data, Consumer<Map<String, Tensor>> head) throws Exception {
        PretrainSettings s = PretrainFixtures.settings(data, tmp.resolve("run"), 1, 7);
        Qwen2AudioConfig config = s.size().toConfig();
        Map<String, Tensor> folder = RandomInit.weights(config, 3);
        PretrainFiles.writeModel(s, config, folder, new PretrainFiles.State(1, 0, 1, List.of(1.0), folder, Map.of()));
        Map<String, Tensor> state = new LinkedHashMap<>(RandomInit.weights(config, 4));
        if (head != null) {
            Spelling.initialise(state, config.text().hiddenSize(), 5);
            head.accept(state);
        }
        PretrainFiles.saveState(s, new PretrainFiles.State(1, 0, 1, List.of(1.0), state, Map.of()));
        return new Path[] {s.outDir(), s.stateDir()};
    }

    private static CommandRun measure(Path data, Path model, Path state, Path transcripts, int batchSize) {
        List<String> args = new ArrayList<>(List.of("pretrain", "transcription-error", "--model", model.toString(), "--data", data.toString(),
                "--split", "train", "--batch-size", String.valueOf(batchSize), "--no-progress", "--transcripts", transcripts.toString()));
        if (state != null) args.addAll(List.of("--state", state.toString()));
        return CommandRun.rrs(args.toArray(String[]::new));
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) out.add(JSON.readTree(line));
        return out;
    }

    @Test
    void aHeadThatSpellsOneLetterHearsItOnceAndTheErrorIsHandCounted() throws Exception {
        Path data = PretrainFixtures.dataset(tmp.resolve("data"));
        Path[] run = modelAndState(data, state -> { // every slot: 'a' (symbol 1), whatever the frame
            state.get(Spelling.HEAD_WEIGHT).zero_();
            float[] bias = new float[Spelling.PER_FRAME * Spelling.SYMBOLS];
            for (int slot = 0; slot < Spelling.PER_FRAME; slot++) bias[slot * Spelling.SYMBOLS + 1] = 5;
            state.put(Spelling.HEAD_BIAS, Tensors.floats(bias, bias.length));
        });
        CommandRun r = measure(data, run[0], run[1], tmp.resolve("t/chars.jsonl"), 3);
        assertEquals(0, r.code(), r.err());
        // hand-counted symbols (letters + word breaks) of the fixture's texts; each spoken twice, each holding an 'a':
        // heard "a", one symbol of the reference kept, the rest substituted or deleted
        Map<String, Integer> symbols = Map.of(PretrainFixtures.TEXTS[0], 29 + 8, PretrainFixtures.TEXTS[1], 16 + 5, PretrainFixtures.TEXTS[2], 26 + 6,
                PretrainFixtures.TEXTS[3], 28 + 7);
        List<JsonNode> transcripts = lines(tmp.resolve("t/chars.jsonl"));
        assertEquals(8, transcripts.size());
        for (JsonNode t : transcripts) {
            int expected = symbols.get(t.get("text").asText());
            assertEquals("a", t.get("heard").asText(), t.toString());
            assertEquals(expected, t.get("symbols").asInt(), t.toString());
            assertEquals(expected - 1, t.get("errors").asInt(), t.toString());
            assertEquals("en-us", t.get("voice").asText());
            assertTrue(t.get("id").asText().matches("p[0-3]-v[01]") && t.has("engine"), t.toString());
        }
        // 2 x (37 + 21 + 32 + 35) = 250 symbols, 250 - 8 = 242 errors
        assertTrue(r.out().contains("train: 8 clips, 250 reference symbols, character error 0.968"), r.out());
        assertTrue(r.out().contains("en-us            8 clips  character error 0.968"), r.out());

        CommandRun words = measure(data, run[0], null, tmp.resolve("t/words.jsonl"), 3);
        assertEquals(0, words.code(), words.err());
        assertTrue(words.out().contains("reference tokens, token error"), words.out());
        assertTrue(lines(tmp.resolve("t/words.jsonl")).stream().allMatch(t -> t.get("tokens").asInt() > 0 && !t.has("symbols")));
    }

    @Test
    void aRandomHeadSpellsWhatTheIndependentReferenceSpells() throws Exception {
        assumeTrue(PythonRunner.torchAvailable(), "python3-torch is needed for the reference");
        Path data = PretrainFixtures.dataset(tmp.resolve("data"));
        Path[] run = modelAndState(data, state -> state.get(Spelling.HEAD_WEIGHT).mul_(Tensors.scalar(8))); // logits of a few units: a varied spelling
        CommandRun r = measure(data, run[0], run[1], tmp.resolve("chars.jsonl"), 8);
        assertEquals(0, r.code(), r.err());
        List<JsonNode> java = lines(tmp.resolve("chars.jsonl"));

        // the same 8 clips, batched as the command batched them, for the reference's own tower on the state's weights
        SpokenDataset dataset = SpokenDataset.open(data);
        List<Manifest.Entry> clips = dataset.entries().stream().filter(e -> e.split().equals("train")).toList();
        Qwen2AudioConfig config = PretrainFixtures.tinySize().toConfig();
        PretrainBatcher batcher = new PretrainBatcher(new QueryEncoder(PretrainFiles.frontEnd(run[0], config),
                new ChatTemplate(TextTokenizer.open(run[0].resolve("tokenizer.json")))));
        List<PretrainMix.Example> examples = clips.stream()
                .map(e -> new PretrainMix.Example(PretrainTask.AUDIO_TRANSCRIBE, e.id(), dataset.wav(e), e.durationS(), e.text(), "", false)).toList();
        PretrainBatcher.Transcription t = batcher.transcription(examples, 0);
        Path cas = Files.createDirectories(tmp.resolve("case"));
        long[] shape = Tensors.shape(t.features());
        Npy.writeFloat32(cas.resolve("features.npy"), Tensors.toFloats(t.features()), (int) shape[0], (int) shape[1], (int) shape[2]);
        double[] valid = new double[t.validFrames().length];
        for (int i = 0; i < valid.length; i++) valid[i] = t.validFrames()[i];
        Npy.writeFloat64(cas.resolve("frames.npy"), valid, valid.length);
        Files.writeString(cas.resolve("texts.json"), JSON.writeValueAsString(clips.stream().map(Manifest.Entry::text).toList()));
        Path stateStep = PretrainFiles.latest(run[1]).resolve("model.safetensors");
        String[] reference = PythonRunner.run(PythonRunner.script("spelling_reference.py"), run[0].toString(), stateStep.toString(), cas.toString())
                .trim().split("\n");

        assertEquals(clips.size(), java.size());
        assertEquals(clips.size(), reference.length);
        long errors = 0, symbols = 0;
        boolean varied = false;
        for (int i = 0; i < clips.size(); i++) {
            JsonNode ours = java.get(i), theirs = JSON.readTree(reference[i]);
            assertTrue(theirs.get("margin").asDouble() > 1e-3, "a slot's two best symbols nearly tie, the comparison could flip: " + theirs);
            assertEquals(clips.get(i).id(), ours.get("id").asText());
            assertEquals(theirs.get("heard").asText(), ours.get("heard").asText(), clips.get(i).id());
            assertEquals(theirs.get("symbols").asInt(), ours.get("symbols").asInt(), clips.get(i).id());
            assertEquals(theirs.get("errors").asInt(), ours.get("errors").asInt(), clips.get(i).id());
            errors += theirs.get("errors").asLong();
            symbols += theirs.get("symbols").asLong();
            varied |= ours.get("heard").asText().chars().distinct().count() > 2;
        }
        assertTrue(varied, "the random head should spell more than a letter or two: " + java);
        assertTrue(r.out().contains(String.format("train: 8 clips, %d reference symbols, character error %.3f", symbols, errors / (double) symbols)), r.out());
    }

    @Test
    void aStateWithoutASpellingHeadIsRefusedInOneLine() throws Exception {
        Path data = PretrainFixtures.dataset(tmp.resolve("data"));
        Path[] run = modelAndState(data, null);
        CommandRun r = measure(data, run[0], run[1], tmp.resolve("chars.jsonl"), 3);
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("rrs pretrain transcription-error: " + run[1] + " holds no spelling head") && r.err().contains("STATE/hear"), r.err());
        assertTrue(!Files.exists(tmp.resolve("chars.jsonl")));

        CommandRun none = measure(data, run[0], tmp.resolve("nowhere"), tmp.resolve("chars.jsonl"), 3);
        assertEquals(1, none.code(), none.err());
        assertTrue(none.err().contains(tmp.resolve("nowhere") + " holds no pretraining state"), none.err());
    }
}
