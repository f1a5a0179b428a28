package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rrs data build on a handful of utterances: files, manifest format, resume, missing tools. */
class DatasetBuilderTest {
    static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
    // One voice/rate per split keeps the synthesis to a few utterances.
    static final VoicePlan SMALL = new VoicePlan(List.of("en-us"), List.of(175), List.of("en-gb"), List.of(150));

    static DatasetBuilder.Options options(Path out, Path shared, int limit, SpeechSynthesizer.Tools tools) {
        return new DatasetBuilder.Options(shared, out, SMALL, PromptSplit.Settings.defaults(), 2, limit, tools, false);
    }

    @Test
    void buildsAHandfulThenResumesWithoutSynthesis(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(TestData.ttsInstalled(), "espeak-ng and sox are not installed");
        var opts = options(out, TestData.repoDataDir(), 3, SpeechSynthesizer.Tools.defaults());
        DatasetBuilder.Report first = new DatasetBuilder(opts, QUIET).build();
        assertEquals(3, first.utterances());
        assertEquals(3, first.synthesised());
        assertEquals(List.of("en-gb@150"), first.combosPerSplit().get("test"));
        assertEquals(List.of("en-us@175"), first.combosPerSplit().get("train"));

        Path manifest = out.resolve(Manifest.FILE);
        List<String> lines = Files.readAllLines(manifest);
        assertEquals(3, lines.size());
        ObjectMapper mapper = new ObjectMapper();
        List<Path> wavs = new ArrayList<>();
        for (String line : lines) {
            JsonNode n = mapper.readTree(line);
            List<String> fields = new ArrayList<>();
            n.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("id", "prompt_id", "text", "label", "category", "split", "voice", "rate", "wav", "duration_s"), fields);
            Path wav = out.resolve(n.get("wav").asText());
            WavHeader h = WavHeader.read(wav);
            assertTrue(h.isDatasetFormat(), wav + ": " + h);
            assertEquals(h.durationSeconds(), n.get("duration_s").asDouble(), 1e-6);
            assertTrue(h.durationSeconds() > 0.5, "a spoken question lasts more than half a second");
            assertTrue(n.get("wav").asText().startsWith("wav/" + n.get("split").asText() + "/"));
            wavs.add(wav);
        }
        for (String f : List.of("harmful.json", "benign.json", "SOURCE.md")) {
            assertArrayEquals(Files.readAllBytes(TestData.repoDataDir().resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        assertEquals(1265, Files.readAllLines(out.resolve(DatasetBuilder.PROMPTS_FILE)).size());

        SpokenDataset spoken = SpokenDataset.open(out);
        assertEquals(3, spoken.entries().size());
        for (Manifest.Entry e : spoken.select(PromptSplit.Split.TEST, null)) {
            assertEquals("en-gb", e.voice());
            assertTrue(Files.isRegularFile(spoken.wav(e)));
        }
        assertEquals(3, spoken.select(PromptSplit.Split.TEST, null).size() + spoken.select(PromptSplit.Split.TRAIN, null).size());

        // Second run: nothing to speak, files untouched.
        FileTime before = Files.getLastModifiedTime(wavs.get(0));
        byte[] audio = Files.readAllBytes(wavs.get(1));
        DatasetBuilder.Report second = new DatasetBuilder(opts, QUIET).build();
        assertEquals(0, second.synthesised());
        assertEquals(3, second.reused());
        assertEquals(before, Files.getLastModifiedTime(wavs.get(0)));
        assertEquals(lines, Files.readAllLines(manifest));

        // A smaller --limit synthesises nothing and keeps the audio already built in the manifest.
        DatasetBuilder.Report smaller = new DatasetBuilder(options(out, TestData.repoDataDir(), 1, SpeechSynthesizer.Tools.defaults()), QUIET).build();
        assertEquals(0, smaller.synthesised());
        assertEquals(3, smaller.utterances());
        assertEquals(lines, Files.readAllLines(manifest));

        // A lost WAV and a torn manifest line are redone, and only they; synthesis is deterministic.
        Files.delete(wavs.get(1));
        List<String> torn = new ArrayList<>(lines);
        torn.set(2, torn.get(2).substring(0, 40));
        Files.write(manifest, torn);
        DatasetBuilder.Report third = new DatasetBuilder(opts, QUIET).build();
        assertEquals(2, third.synthesised());
        assertEquals(1, third.reused());
        assertArrayEquals(audio, Files.readAllBytes(wavs.get(1)), "same text, voice and rate give the same bytes");
        assertEquals(lines, Files.readAllLines(manifest));
    }

    @Test
    void missingEspeakFailsWithInstallInstructionsAfterUsingTheRepositoryCopy(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        for (String f : List.of("harmful.json", "benign.json", "SOURCE.md")) Files.copy(TestData.repoDataDir().resolve(f), out.resolve(f));
        var tools = new SpeechSynthesizer.Tools(tmp.resolve("no/espeak-ng").toString(), "sox");
        var e = assertThrows(SpeechSynthesizer.ToolMissingException.class,
                () -> new DatasetBuilder(options(out, tmp.resolve("no-shared"), 2, tools), QUIET).build());
        assertTrue(e.getMessage().contains("espeak-ng not found (tried '" + tmp.resolve("no/espeak-ng") + "')"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install espeak-ng sox"), e.getMessage());
        assertTrue(Files.exists(out.resolve(DatasetBuilder.PROMPTS_FILE)), "the split is written before synthesis");
    }

    @Test
    void unbuiltDatasetSaysWhatToRun(@TempDir Path tmp) {
        var e = assertThrows(IOException.class, () -> SpokenDataset.open(tmp));
        assertTrue(e.getMessage().contains("rrs data build"), e.getMessage());
    }

    @Test
    void missingDatasetNamesBothPlaces(@TempDir Path tmp) {
        var e = assertThrows(IOException.class,
                () -> new DatasetBuilder(options(tmp.resolve("out"), tmp.resolve("shared"), 2, SpeechSynthesizer.Tools.defaults()), QUIET).build());
        assertTrue(e.getMessage().contains(tmp.resolve("shared").toString()) && e.getMessage().contains("--shared-dir"), e.getMessage());
    }

    @Test
    void limitTakesBothSplits() throws IOException {
        var prompts = PromptSplit.split(SourceDataset.read(TestData.repoDataDir()), PromptSplit.Settings.defaults());
        var few = DatasetBuilder.limit(prompts, 3);
        assertEquals(List.of(PromptSplit.Split.TEST, PromptSplit.Split.TRAIN, PromptSplit.Split.TEST), few.stream().map(PromptSplit.Prompt::split).toList());
    }
}
