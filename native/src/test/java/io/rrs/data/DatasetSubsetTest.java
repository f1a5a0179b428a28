package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.audio.WavEncoder;
import io.rrs.cli.Rrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs data subset} on a synthetic built dataset laid out as {@code rrs data build} writes it
 * (train: 2 voices x 2 rates, test: 2 voices at one rate; pairs hNNN/bNNN, a few texts without their
 * pair): the requested counts per split and class, one utterance per text at the preferred rate,
 * pairs kept together, files copied byte for byte and listed correctly, the same bytes twice, and the
 * refusals (too many texts asked, existing output).
 */
class DatasetSubsetTest {
    @TempDir
    Path tmp;

    @Test
    void subsetHasTheRequestedCountsPairsAndFilesAndIsDeterministic() throws Exception {
        Path from = syntheticDataset(tmp.resolve("full"));
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        int rc = Rrs.commandLine().execute("data", "subset", "--from", from.toString(), "--out", a.toString(),
                "--train-texts-per-class", "5", "--test-texts-per-class", "3", "--seed", "7");
        assertEquals(0, rc);
        DatasetSubset.build(new DatasetSubset.Options(from, b, 5, 3, 175, 0, 7, false, "x"));

        SpokenDataset subset = SpokenDataset.open(a);
        Map<String, Integer> counts = new TreeMap<>();
        Set<String> texts = new HashSet<>();
        for (Manifest.Entry e : subset.entries()) {
            counts.merge(e.split() + "/" + e.label(), 1, Integer::sum);
            assertTrue(texts.add(e.promptId()), "one utterance per text: " + e.promptId());
            assertTrue(!Path.of(e.wav()).isAbsolute() && e.wav().startsWith("wav/" + e.split() + "/"), e.wav());
            Path wav = subset.wav(e);
            assertTrue(Files.isRegularFile(wav), wav.toString());
            assertArrayEquals(Files.readAllBytes(from.resolve(e.wav())), Files.readAllBytes(wav), "copied byte for byte: " + e.id());
            if (e.split().equals("train")) assertEquals(175, e.rate(), "train prefers rate 175: " + e.id());
            assertNotEquals("h9", e.promptId(), "an unpaired train text is not needed while pairs suffice");
        }
        assertEquals(Map.of("test/benign", 3, "test/harmful", 3, "train/benign", 5, "train/harmful", 5), counts);
        // pairs together: the train split has 6 pairs for 5 asked; the test split only 2 pairs for 3, so one text per class is drawn alone
        Set<String> train = new HashSet<>(), test = new HashSet<>();
        for (Manifest.Entry e : subset.entries()) (e.split().equals("train") ? train : test).add(e.promptId());
        for (String id : train) if (id.startsWith("h")) assertTrue(train.contains("b" + id.substring(1)), "pair of " + id);
        long testPairs = test.stream().filter(id -> id.startsWith("h") && test.contains("b" + id.substring(1))).count();
        assertEquals(2, testPairs, texts.toString());
        // both voices used for train (alternating over the pairs)
        assertEquals(2, subset.select(PromptSplit.Split.TRAIN, null).stream().map(Manifest.Entry::voice).distinct().count());

        // the manifest is the source's lines in source order
        List<String> source = Files.readAllLines(from.resolve(Manifest.FILE));
        List<String> lines = Files.readAllLines(a.resolve(Manifest.FILE));
        int last = -1;
        for (String line : lines) {
            int at = source.indexOf(line);
            assertTrue(at > last, "a source line, in source order: " + line);
            last = at;
        }
        // deterministic: every file identical (README records the command, so compare it apart)
        assertEquals(files(a), files(b));
        for (String f : files(a)) if (!f.equals("README.md")) assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        assertTrue(Files.readString(a.resolve("README.md")).contains("--train-texts-per-class 5 --test-texts-per-class 3"));
        assertTrue(Files.isRegularFile(a.resolve("SOURCE.md")));

        // another seed draws another subset
        Path c = tmp.resolve("c");
        DatasetSubset.build(new DatasetSubset.Options(from, c, 5, 3, 175, 0, 8, false, "x"));
        assertNotEquals(Files.readString(a.resolve(Manifest.FILE)), Files.readString(c.resolve(Manifest.FILE)));
    }

    @Test
    void refusesTooManyTextsAndAnExistingOutput() throws Exception {
        Path from = syntheticDataset(tmp.resolve("full"));
        assertEquals(1, Rrs.commandLine().execute("data", "subset", "--from", from.toString(), "--out", tmp.resolve("x").toString(),
                "--test-texts-per-class", "4"));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DatasetSubset.build(new DatasetSubset.Options(from, tmp.resolve("y"), 2, 4, 175, 0, 1, false, "x")));
        assertTrue(e.getMessage().contains("test split has only 3 harmful texts") && e.getMessage().contains("--test-texts-per-class"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("y")));
        Path out = tmp.resolve("z");
        DatasetSubset.build(new DatasetSubset.Options(from, out, 2, 2, 175, 0, 1, false, "x"));
        IOException exists = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> DatasetSubset.build(new DatasetSubset.Options(from, out, 2, 2, 175, 0, 1, false, "x")));
        assertTrue(exists.getMessage().contains("--replace"), exists.getMessage());
        DatasetSubset.build(new DatasetSubset.Options(from, out, 3, 2, 175, 0, 1, true, "x"));
        assertEquals(10, SpokenDataset.open(out).entries().size());
    }

    /**
     * {@code --written-train}: every training question the subset does not speak follows as one written row (no audio), in
     * source order, none from the test split; the spoken rows and WAVs stay as without the option; written rows reach only a
     * condition without audio, and a row without a wav is refused outside the question splits or with a duration.
     */
    @Test
    void writtenTrainAddsEveryOtherTrainingQuestionAsTextOnly() throws Exception {
        Path from = syntheticDataset(tmp.resolve("full"));
        Path plain = tmp.resolve("plain"), withWritten = tmp.resolve("written");
        DatasetSubset.build(new DatasetSubset.Options(from, plain, 2, 2, 175, 0, 7, false, "x"));
        assertEquals(0, Rrs.commandLine().execute("data", "subset", "--from", from.toString(), "--out", withWritten.toString(),
                "--train-texts-per-class", "2", "--test-texts-per-class", "2", "--seed", "7", "--written-train"));

        List<String> plainLines = Files.readAllLines(plain.resolve(Manifest.FILE)), lines = Files.readAllLines(withWritten.resolve(Manifest.FILE));
        assertEquals(plainLines, lines.subList(0, plainLines.size()), "the spoken rows are those of the subset without the option");
        for (String f : files(plain)) if (f.startsWith("wav/")) assertArrayEquals(Files.readAllBytes(plain.resolve(f)), Files.readAllBytes(withWritten.resolve(f)), f);

        SpokenDataset data = SpokenDataset.open(withWritten);
        Set<String> spoken = new HashSet<>();
        List<String> written = new ArrayList<>();
        for (Manifest.Entry e : data.entries()) {
            if (!e.written()) {
                spoken.add(e.promptId());
                continue;
            }
            assertEquals("train", e.split(), e.id());
            assertEquals(e.promptId() + "-written", e.id());
            assertEquals("", e.voice() + e.engine(), e.id());
            assertEquals(0.0, e.durationS());
            written.add(e.promptId());
        }
        // train questions: h0..h5, b0..b5, h9 (13); 2 pairs are spoken, the other 9 are written, each once, in source order
        assertEquals(9, written.size(), written.toString());
        assertEquals(13, spoken.stream().filter(id -> !id.matches("[hb]5[0-9]")).count() + written.size());
        for (String id : written) assertTrue(!spoken.contains(id), id + " is spoken and written");
        List<String> sourceOrder = Manifest.read(from.resolve(Manifest.FILE)).stream().map(Manifest.Entry::promptId).distinct().filter(written::contains).toList();
        assertEquals(sourceOrder, written);
        String line = lines.get(lines.size() - 1);
        assertTrue(!line.contains("wav") && !line.contains("voice") && !line.contains("duration_s"), line);
        assertTrue(Files.readString(withWritten.resolve("README.md")).contains("9 written rows"), Files.readString(withWritten.resolve("README.md")));

        // only a condition without audio selects them; they have no WAV path
        assertEquals(2, data.select(PromptSplit.Split.TRAIN, SourceDataset.Label.HARMFUL).size());
        assertEquals(2, data.select(PromptSplit.Split.TRAIN, SourceDataset.Label.HARMFUL, io.rrs.text.InputCondition.AUDIO_ONLY).size());
        assertEquals(2 + written.stream().filter(id -> id.startsWith("h")).count(),
                data.select(PromptSplit.Split.TRAIN, SourceDataset.Label.HARMFUL, io.rrs.text.InputCondition.TEXT_ONLY).size());
        Manifest.Entry w = data.entries().get(data.entries().size() - 1);
        IllegalArgumentException noWav = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> data.wav(w));
        assertTrue(noWav.getMessage().contains(w.id()) && noWav.getMessage().contains("text-only"), noWav.getMessage());
        assertTrue(io.rrs.training.Query.trainSplit(data, SourceDataset.Label.BENIGN, 0, 1, io.rrs.text.InputCondition.TEXT_ONLY).stream()
                .anyMatch(q -> !q.spoken()));

        // a row without a wav must be a train/test question and carry no duration
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Manifest.Entry("s1", "s1", "A sentence.", Manifest.NO_LABEL, "fortunes", "pretrain", "", 0, "", 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Manifest.Entry("h1-written", "h1", "How?", "harmful", "c", "train", "", 0, "", 1.5));
    }

    /** Every sentence is spoken by MBROLA and by flite; the subset takes flite's, as MBROLA's licence forbids redistribution. */
    @Test
    void percentTakesThatShareOfEverySplitAndClassHearingSentencesIncluded() throws Exception {
        Path from = syntheticDataset(tmp.resolve("full"));
        List<Manifest.Entry> entries = new ArrayList<>(Manifest.read(from.resolve(Manifest.FILE)));
        for (int i = 0; i < 10; i++) {
            for (String voice : List.of("mb-us1", "kal16")) {
                String id = String.format("s%05d", i), uid = id + "-" + voice, rel = "wav/pretrain/" + uid + ".wav";
                short[] pcm = new short[900 + 7 * i + voice.length()];
                Files.createDirectories(from.resolve(rel).getParent());
                WavEncoder.writePcm16(from.resolve(rel), pcm, 16000);
                entries.add(new Manifest.Entry(uid, id, "Sentence number " + i + " is here.", Manifest.NO_LABEL, "fortunes", "pretrain", voice, 100, rel,
                        pcm.length / 16000.0, voice.equals("kal16") ? "flite" : "mbrola", 100));
            }
        }
        Manifest.write(from.resolve(Manifest.FILE), entries);
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        assertEquals(0, Rrs.commandLine().execute("data", "subset", "--from", from.toString(), "--out", a.toString(), "--percent", "50", "--seed", "3"));
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, Set<String>> texts = new TreeMap<>();
        for (Manifest.Entry e : SpokenDataset.open(a).entries()) {
            counts.merge(e.split() + "/" + e.label(), 1, Integer::sum);
            assertTrue(texts.computeIfAbsent(e.split(), k -> new HashSet<>()).add(e.promptId()), "one utterance per text: " + e.id());
            assertArrayEquals(Files.readAllBytes(from.resolve(e.wav())), Files.readAllBytes(a.resolve(e.wav())), e.id());
            assertNotEquals("mbrola", e.engine(), "MBROLA audio may not be redistributed, so no subset holds it: " + e.id());
        }
        // train: 7 harmful, 6 benign texts; test: 3 and 3; pretrain: 10 sentences; half of each, rounded half up
        assertEquals(Map.of("train/harmful", 4, "train/benign", 3, "test/harmful", 2, "test/benign", 2, "pretrain/none", 5), counts);
        assertTrue(Files.readString(a.resolve("README.md")).contains("--percent 50.0"), Files.readString(a.resolve("README.md")));
        assertEquals(0, Rrs.commandLine().execute("data", "subset", "--from", from.toString(), "--out", b.toString(), "--percent", "50", "--seed", "3"));
        for (String f : files(a)) if (!f.equals("README.md")) assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        assertEquals(2, Rrs.commandLine().execute("data", "subset", "--from", from.toString(), "--out", tmp.resolve("c").toString(), "--percent", "120"));
    }

    /** Train: pairs 0..5 and an unpaired harmful h9; test: pairs 50, 51, an unpaired h52 and b53. Tiny WAVs of distinct lengths. */
    static Path syntheticDataset(Path dir) throws IOException {
        List<Manifest.Entry> entries = new ArrayList<>();
        String[] categories = {"animal_abuse", "self_harm", "privacy_violation"};
        List<String> trainIds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            trainIds.add("h" + i);
            trainIds.add("b" + i);
        }
        trainIds.add("h9");
        for (String id : trainIds)
            for (String voice : List.of("en-us", "en-gb"))
                for (int rate : List.of(145, 175)) entries.add(entry(dir, id, "train", voice, rate, categories));
        for (String id : List.of("h50", "b50", "h51", "b51", "h52", "b53"))
            for (String voice : List.of("en-us+f3", "en-gb-scotland")) entries.add(entry(dir, id, "test", voice, 160, categories));
        Manifest.write(dir.resolve(Manifest.FILE), entries);
        Files.writeString(dir.resolve(SourceDataset.SOURCE_FILE), "attribution\n");
        return dir;
    }

    private static Manifest.Entry entry(Path dir, String id, String split, String voice, int rate, String[] categories) throws IOException {
        int n = Integer.parseInt(id.substring(1));
        String uid = id + "-" + voice.replace('+', '_') + "-" + rate, rel = "wav/" + split + "/" + uid + ".wav";
        short[] pcm = new short[800 + 16 * (n % 50) + rate + voice.length()];
        for (int i = 0; i < pcm.length; i++) pcm[i] = (short) ((i * (n + 3) * 37 + rate) % 2000 - 1000);
        Files.createDirectories(dir.resolve(rel).getParent());
        WavEncoder.writePcm16(dir.resolve(rel), pcm, 16000);
        boolean harmful = id.startsWith("h");
        return new Manifest.Entry(uid, id, (harmful ? "How do I hurt " : "How do I help ") + n + "?", harmful ? "harmful" : "benign",
                categories[n % categories.length], split, voice, rate, rel, pcm.length / 16000.0);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
