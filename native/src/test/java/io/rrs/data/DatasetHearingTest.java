package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.cli.Rrs;
import io.rrs.data.hearing.HearingSentences;
import io.rrs.data.speech.EngineMissingException;
import io.rrs.data.speech.VoiceCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rrs data build --hearing with espeak-ng only (always installed in CI): the pretrain split in
 * training voices, a build killed part way resumes without redoing finished WAVs and ends equal to
 * an uninterrupted one, and the built corpus passes the split check.
 */
class DatasetHearingTest {
    static final List<String> TEXTS = List.of("The river ran quietly past the old mill.", "Poets are far rarer births than kings.",
            "Much information is available through computers.", "Gerald shook his head doubtfully.", "Every morning the baker sang softly.",
            "The lantern swung in the cold wind.", "Talkers are no good doers.", "She planted roses along the garden wall.",
            "A small boat drifted toward the harbor.", "The children laughed at the clumsy puppy.", "Snow covered the quiet village overnight.");
    static final List<String> SOURCES = List.of("fortunes", "dict-gcide", "wordnet-base");

    /** Ten pretrain sentences and one validation sentence, from three sources in turn. */
    static List<HearingSentences.Sentence> sentences() {
        List<HearingSentences.Sentence> out = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            out.add(new HearingSentences.Sentence(String.format("s%05d", i), TEXTS.get(i), SOURCES.get(i % 3), i < 10 ? "pretrain" : "validation"));
        }
        return out;
    }

    static void requireEspeak() {
        try {
            VoiceCatalog.debian().engine("espeak-ng").checkAvailable("en-us");
        } catch (EngineMissingException e) {
            Assumptions.abort(e.getMessage());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> args(Path out, Path hearing) {
        return List.of("data", "build", "--shared-dir", TestData.repoDataDir().toString(), "--out", out.toString(), "--engines", "espeak-ng",
                "--splits", "pretrain", "--hearing", hearing.toString(), "--limit", "10", "--jobs", "1", "--no-progress");
    }

    static DatasetBuilder.Options options(Path out, Path hearing) {
        return new DatasetBuilder.Options(TestData.repoDataDir(), out, VoicePlan.defaults(), PromptSplit.Settings.defaults(), 1, 10,
                SpeechSynthesizer.Tools.defaults(), false,
                new DatasetBuilder.EngineVoices(VoiceCatalog.debian(), List.of("espeak-ng"), Set.of("pretrain")),
                new DatasetBuilder.HearingPlan(hearing, 2, PromptSplit.Settings.defaults().seed()));
    }

    @Test
    void killedBuildResumesWithoutRedoingFinishedWavsAndEqualsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        requireEspeak();
        Path hearing = tmp.resolve("hearing.jsonl");
        HearingSentences.write(hearing, sentences());

        Path whole = tmp.resolve("whole");
        DatasetBuilder.Report reference = new DatasetBuilder(options(whole, hearing), DatasetBuilderTest.QUIET).build();
        // ten pretrain sentences in 2 espeak-ng renditions each; the train, test and validation splits are not asked for
        assertEquals(20, reference.utterances());
        assertEquals(java.util.Map.of("pretrain", 20), reference.utterancesPerSplit());

        Path killed = tmp.resolve("killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Rrs.class.getName()));
        command.addAll(args(killed, hearing));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path manifest = killed.resolve(Manifest.FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(manifest) < 4 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        int finished = lines(manifest);
        assertTrue(finished >= 4 && finished < reference.utterances(), "killed part way: " + finished + " of " + reference.utterances()
                + " written\n" + Files.readString(tmp.resolve("child.log")));

        DatasetBuilder.Report resumed = new DatasetBuilder(options(killed, hearing), DatasetBuilderTest.QUIET).build();
        assertTrue(resumed.reused() >= finished - 1, "finished WAVs are kept (a torn last line at most is redone): " + resumed.reused() + " of " + finished);
        assertEquals(reference.utterances(), resumed.reused() + resumed.synthesised());
        assertEquals(Files.readAllLines(whole.resolve(Manifest.FILE)), Files.readAllLines(manifest));
        List<Manifest.Entry> entries = Manifest.read(manifest);
        for (Manifest.Entry e : entries) assertArrayEquals(Files.readAllBytes(whole.resolve(e.wav())), Files.readAllBytes(killed.resolve(e.wav())), e.id());
        assertEquals(Files.readAllLines(hearing), Files.readAllLines(killed.resolve(HearingSentences.FILE)), "the sentences travel with the corpus");

        List<PromptSplit.Prompt> prompts = PromptSplit.split(SourceDataset.read(killed), PromptSplit.Settings.defaults());
        assertEquals(List.of(), CorpusSplitCheck.violations(entries, prompts, VoiceCatalog.debian()));
        java.util.Set<String> renditions = new java.util.HashSet<>();
        for (Manifest.Entry e : entries) {
            assertEquals("pretrain", e.split());
            assertEquals(Manifest.NO_LABEL, e.label());
            int i = Integer.parseInt(e.promptId().substring(1));
            assertEquals(TEXTS.get(i), e.text());
            assertEquals(SOURCES.get(i % 3), e.category(), "the source package");
            assertEquals("espeak-ng", e.engine());
            assertTrue(renditions.add(e.voice() + "@" + e.rate() + "/" + e.pitch()), "a seeded spread: 20 utterances, 20 of the 30 renditions");
        }
    }

    /**
     * A synthesiser that crashes on one hearing sentence (espeak-ng behind a wrapper that exits 139, as festival's
     * diphone voice did, when the text holds "Gerald") leaves that sentence's utterances out and lists them in
     * skipped.jsonl; the rest of the corpus is built, and a rerun without the crash completes it and removes the list.
     */
    @Test
    void aSentenceTheSynthesiserCrashesOnIsSkippedAndListedAndTheRestIsBuilt(@TempDir Path tmp) throws Exception {
        requireEspeak();
        Path hearing = tmp.resolve("hearing.jsonl");
        HearingSentences.write(hearing, sentences());
        Path crashing = tmp.resolve("espeak-crashing.sh");
        Files.writeString(crashing, "#!/bin/sh\ntext=$(cat)\ncase \"$text\" in *Gerald*) exit 139;; esac\nprintf '%s' \"$text\" | exec espeak-ng \"$@\"\n");
        assertTrue(crashing.toFile().setExecutable(true));
        Path out = tmp.resolve("corpus");
        DatasetBuilder.Options normal = options(out, hearing);
        DatasetBuilder.Options withCrash = new DatasetBuilder.Options(normal.sharedDir(), out, normal.voices(), normal.split(), normal.jobs(),
                normal.limit(), normal.tools(), false, new DatasetBuilder.EngineVoices(
                        new io.rrs.data.speech.VoiceCatalog(List.of(io.rrs.data.speech.EspeakEngine.espeak(crashing.toString()))), List.of("espeak-ng"),
                        Set.of("pretrain")), normal.hearing());

        DatasetBuilder.Report crashed = new DatasetBuilder(withCrash, DatasetBuilderTest.QUIET).build();
        assertEquals(18, crashed.utterances(), "ten sentences in 2 renditions, less the crashing sentence's 2");
        List<String> skipped = Files.readAllLines(out.resolve(DatasetBuilder.SKIPPED_FILE));
        assertEquals(2, skipped.size(), String.join("\n", skipped));
        for (String line : skipped) {
            assertTrue(line.contains("\"text\":\"" + TEXTS.get(3) + "\"") && line.contains("\"engine\":\"espeak-ng\""), line);
            assertTrue(line.contains("139"), "the error names the exit status: " + line);
        }
        for (Manifest.Entry e : Manifest.read(out.resolve(Manifest.FILE))) assertTrue(!e.text().equals(TEXTS.get(3)), e.id());

        DatasetBuilder.Report completed = new DatasetBuilder(normal, DatasetBuilderTest.QUIET).build();
        assertEquals(18, completed.reused());
        assertEquals(2, completed.synthesised());
        assertTrue(!Files.exists(out.resolve(DatasetBuilder.SKIPPED_FILE)), "nothing skipped: no list");
    }

    @Test
    void aHearingSentenceNearAQuestionStopsTheBuildBeforeSynthesis(@TempDir Path tmp) throws Exception {
        List<PromptSplit.Prompt> prompts = PromptSplit.split(SourceDataset.read(TestData.repoDataDir()), PromptSplit.Settings.defaults());
        Path hearing = tmp.resolve("hearing.jsonl");
        HearingSentences.write(hearing, List.of(new HearingSentences.Sentence("s00000", prompts.get(0).text(), "fortunes", "pretrain")));
        var e = assertThrows(java.io.IOException.class, () -> new DatasetBuilder(options(tmp.resolve("out"), hearing), DatasetBuilderTest.QUIET).build());
        assertTrue(e.getMessage().contains("is near-equal") && e.getMessage().contains("rrs data hearing"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("out/wav")), "nothing synthesised");
    }

    @Test
    void aSecondBuildOfTheSameFolderIsRefusedWhileTheFirstHoldsIt(@TempDir Path tmp) throws Exception {
        Path hearing = tmp.resolve("hearing.jsonl");
        HearingSentences.write(hearing, sentences());
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        try (var channel = java.nio.channels.FileChannel.open(out.resolve(DatasetBuilder.LOCK_FILE), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var held = channel.lock()) {
            var e = assertThrows(java.io.IOException.class, () -> new DatasetBuilder(options(out, hearing), DatasetBuilderTest.QUIET).build());
            assertTrue(e.getMessage().contains("another 'rrs data build' is writing"), e.getMessage());
        }
        assertTrue(!Files.exists(out.resolve(Manifest.FILE)), "nothing written while refused");
    }

    @Test
    void splitsWithoutVoicesAndHearingWithoutEnginesAreRefused(@TempDir Path tmp) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new DatasetBuilder.EngineVoices(VoiceCatalog.debian(), List.of("espeak-ng", "pico"), Set.of("train", "test", "validation")));
        assertTrue(e.getMessage().contains("no validation voices") && e.getMessage().contains("[flite, festival]")
                && e.getMessage().contains("leave validation out of --splits"), e.getMessage());
        assertEquals(2, Rrs.commandLine().execute("data", "build", "--out", tmp.toString(), "--hearing", tmp.resolve("h.jsonl").toString()));
        assertEquals(2, Rrs.commandLine().execute("data", "build", "--out", tmp.toString(), "--splits", "pretrain"));
    }

    private static int lines(Path file) throws java.io.IOException {
        if (!Files.exists(file)) return 0;
        try {
            return (int) Files.readAllLines(file).stream().filter(l -> l.endsWith("}")).count();
        } catch (java.nio.charset.MalformedInputException | java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }
}
