package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.cli.Rrs;
import io.rrs.data.speech.EngineMissingException;
import io.rrs.data.speech.EspeakEngine;
import io.rrs.data.speech.PicoEngine;
import io.rrs.data.speech.VoiceCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rrs data build --engines: the catalog's training voices for train texts, its test voices for test texts, engine/rate/pitch recorded. */
class DatasetEnginesTest {
    // espeak-ng trains and Pico tests: the two cheapest engines, one of each role.
    static final VoiceCatalog ESPEAK_AND_PICO = new VoiceCatalog(List.of(EspeakEngine.espeak("espeak-ng"), new PicoEngine("pico2wave")));

    static DatasetBuilder.Options options(Path out, int limit) {
        return new DatasetBuilder.Options(TestData.repoDataDir(), out, VoicePlan.defaults(), PromptSplit.Settings.defaults(), 2, limit,
                SpeechSynthesizer.Tools.defaults(), false, new DatasetBuilder.EngineVoices(ESPEAK_AND_PICO, List.of()));
    }

    @Test
    void trainTextsInTrainingVoicesTestTextsInTestVoicesThenResumes(@TempDir Path out) throws Exception {
        try {
            ESPEAK_AND_PICO.engine("espeak-ng").checkAvailable("en-us");
            ESPEAK_AND_PICO.engine("pico").checkAvailable("en-US");
        } catch (EngineMissingException e) {
            Assumptions.abort(e.getMessage());
        }
        DatasetBuilder.Report first = new DatasetBuilder(options(out, 2), DatasetBuilderTest.QUIET).build();
        int trainRenditions = 3 * EspeakEngine.ESPEAK_VOICES.size();
        assertEquals(trainRenditions + PicoEngine.VOICES.size(), first.utterances(), "one train and one test text");
        assertEquals(first.utterances(), first.synthesised());

        Path manifest = out.resolve(Manifest.FILE);
        List<String> lines = Files.readAllLines(manifest);
        ObjectMapper mapper = new ObjectMapper();
        Set<String> trainVoices = new HashSet<>();
        Set<String> testVoices = new HashSet<>();
        List<Path> wavs = new ArrayList<>();
        for (String line : lines) {
            JsonNode n = mapper.readTree(line);
            List<String> fields = new ArrayList<>();
            n.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("id", "prompt_id", "text", "label", "category", "split", "voice", "rate", "wav", "duration_s", "engine", "pitch"),
                    fields);
            String split = n.get("split").asText();
            String engine = n.get("engine").asText();
            (split.equals("train") ? trainVoices : testVoices).add(engine + ":" + n.get("voice").asText());
            assertEquals(split.equals("train") ? "espeak-ng" : "pico", engine, line);
            String slug = new VoiceCatalog.Rendition(engine, n.get("voice").asText(), n.get("rate").asInt(), n.get("pitch").asInt()).slug();
            assertTrue(n.get("id").asText().endsWith("-" + slug), line);
            Path wav = out.resolve(n.get("wav").asText());
            WavHeader h = WavHeader.read(wav);
            assertTrue(h.isDatasetFormat(), wav + ": " + h);
            assertEquals(h.durationSeconds(), n.get("duration_s").asDouble(), 1e-6);
            assertTrue(h.durationSeconds() > 0.5, line);
            wavs.add(wav);
        }
        assertEquals(EspeakEngine.ESPEAK_VOICES.size(), trainVoices.size());
        assertEquals(Set.of("pico:en-US", "pico:en-GB"), testVoices);
        for (Manifest.Entry e : SpokenDataset.open(out).entries()) assertTrue(e.pitch() >= 90 && e.pitch() <= 112, e.toString());

        DatasetBuilder.Report again = new DatasetBuilder(options(out, 2), DatasetBuilderTest.QUIET).build();
        assertEquals(0, again.synthesised());
        assertEquals(lines, Files.readAllLines(manifest));

        byte[] audio = Files.readAllBytes(wavs.get(3));
        Files.delete(wavs.get(3));
        DatasetBuilder.Report redone = new DatasetBuilder(options(out, 2), DatasetBuilderTest.QUIET).build();
        assertEquals(1, redone.synthesised());
        assertArrayEquals(audio, Files.readAllBytes(wavs.get(3)), "same text, voice, rate and pitch give the same bytes");
        assertEquals(lines, Files.readAllLines(manifest));
    }

    @Test
    void enginesWithoutTestVoicesAreRefusedNamingTheOnesThatHaveThem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new DatasetBuilder.EngineVoices(VoiceCatalog.debian(), List.of("espeak-ng", "flite")));
        assertTrue(e.getMessage().contains("engines [espeak-ng, flite] have no test voices; add one of [rhvoice, pico]"), e.getMessage());
    }

    @Test
    void voicesCommandListsEveryVoiceWithItsRoleAndEveryEngineLicence() {
        java.io.PrintStream stdout = System.out;
        var captured = new java.io.ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            rc = Rrs.commandLine().execute("data", "voices");
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, rc);
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        for (VoiceCatalog.Voice v : VoiceCatalog.debian().voices()) {
            assertTrue(java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(v.engine()) + " +"
                    + java.util.regex.Pattern.quote(v.voice()) + " +" + v.role().json() + " ").matcher(out).find(), v + "\n" + out);
        }
        assertTrue(out.contains("mbrola: ") && out.contains("no audio made with them is committed"), out);
    }

    @Test
    void commandLineRefusesEnginesWithAVoicePlanAndUnknownEngines(@TempDir Path tmp) {
        assertEquals(2, Rrs.commandLine().execute("data", "build", "--out", tmp.toString(), "--engines", "all", "--train-voices", "en-us"));
        assertEquals(2, Rrs.commandLine().execute("data", "build", "--out", tmp.toString(), "--engines", "espeak,pico"));
        String usage = Rrs.commandLine().getSubcommands().get("data").getSubcommands().get("build").getUsageMessage();
        assertTrue(usage.contains("--engines"), usage);
    }
}
