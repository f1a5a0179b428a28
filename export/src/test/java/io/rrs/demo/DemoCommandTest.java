package io.rrs.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.audio.WavEncoder;
import io.rrs.cli.Rrs;
import io.rrs.data.Manifest;
import io.rrs.export.TinyCheckpoint;
import io.rrs.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rrs demo} end to end on the tiny random model (GQA 6/2, 80 mels, 2 s window) and a synthetic
 * spoken dataset of 3 train and 2 test texts per class: every stage's outputs exist, the report and the
 * printed table have the three conditions, the guard screened every test query in each; a rerun skips
 * every stage and leaves the files as they were; an edited report and a removed screening are redone
 * while the rest is skipped; other settings on the same work folder and a missing base model are one
 * clear line each. The model is random, so the rates themselves are not checked here.
 */
class DemoCommandTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Rrs.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String[] demo(Path model, Path data, Path work, String... more) {
        List<String> a = new ArrayList<>(List.of("demo", "--model", model.toString(), "--data", data.toString(), "--work", work.toString(),
                "--epochs", "2", "--lr", "1e-2", "--batch-size", "2", "--accumulation", "1", "--max-new-tokens", "4", "--no-progress"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void demoRunsEveryStageThenSkipsCompleteOnesAndRedoesBrokenOnes() throws Exception {
        Path model = TinyCheckpoint.write(tmp.resolve("model"), 3), data = dataset(tmp.resolve("data")), work = tmp.resolve("work");
        Run first = run(demo(model, data, work));
        assertEquals(0, first.exit(), first.out() + first.err());

        for (String f : List.of("demo.json", "rrs/prepare/prepare.json", "rrs/checkpoints/latest", "rrs/train-log.jsonl", "eval/report.md",
                "eval/report.json", "eval/loss.png", "eval/pca.png", "eval/responses-base.jsonl", "eval/responses-aligned.jsonl", "guard/guard.json",
                "guard/embed_tokens.onnx", "guard/encoder.onnx", "guard/decoder.onnx", "screen/screen.json", "screen/verdicts.jsonl", "screen/queries.jsonl"))
            assertTrue(Files.isRegularFile(work.resolve(f)), f + " missing; output:\n" + first.out());
        JsonNode report = new ObjectMapper().readTree(work.resolve("eval/report.json").toFile());
        assertEquals("[\"audio-text\",\"text-only\",\"audio-only\"]", report.path("conditions").toString());
        for (String c : List.of("audio-text", "text-only", "audio-only")) {
            JsonNode o = report.path("results").path(c).path("overall");
            for (String m : List.of("base", "aligned")) {
                assertEquals(2, o.path(m).path("harmful").asInt(), c + " " + m);
                assertEquals(2, o.path(m).path("benign").asInt(), c + " " + m);
            }
            assertTrue(first.out().lines().anyMatch(l -> l.startsWith("  " + c + " ") && l.contains("%")), "table row " + c + ":\n" + first.out());
        }
        JsonNode screen = DemoScreening.read(work.resolve("screen"));
        assertEquals(12, screen.path("queries").asInt());
        assertEquals(3, screen.path("conditions").size());
        for (JsonNode c : screen.path("conditions")) {
            for (String label : List.of("harmful", "benign"))
                assertEquals(2, c.path(label).path("refuse").asInt() + c.path(label).path("allow").asInt(), c.toString());
            assertEquals(4, c.path("agreement").path("queries").asInt(), c.toString());
        }
        assertEquals(12, Files.readAllLines(work.resolve("screen/verdicts.jsonl")).size());
        for (int i = 1; i <= 7; i++) assertTrue(first.out().contains("[" + i + "/7] "), "stage " + i + ":\n" + first.out());
        for (String s : List.of("Before / after RRS", "  mean ", "screen = respond", "report:   ", "loss:     ", "pca:      ", "guard:    ",
                "try:      ./rrs guard screen --model " + work.resolve("guard")))
            assertTrue(first.out().contains(s), s + ":\n" + first.out());
        assertFalse(first.out().contains("skipped"), first.out());
        assertTrue(first.out().contains("train 3 harmful + 3 benign utterances (and 1 + 0 written questions, trained on in text-only), test 2 + 2"),
                first.out());
        com.fasterxml.jackson.databind.JsonNode prepared = new com.fasterxml.jackson.databind.ObjectMapper().readTree(work.resolve("rrs/prepare/prepare.json").toFile());
        assertEquals(7, prepared.path("queries").size(), "the text-only preset trains on the written row too");
        // the prepare stage says how far apart the base model holds the classes, as prepare measured it
        com.fasterxml.jackson.databind.JsonNode separation = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(work.resolve("rrs/prepare/statistics.json").toFile()).path("class_separation");
        double judged = separation.path("held_out").isNumber() ? separation.path("held_out").asDouble() : separation.path("separated").asDouble();
        String said = String.format(java.util.Locale.ROOT, "harmful vs benign %.0f %% separated at the last prompt token", 100 * judged);
        assertTrue(first.out().contains(said), said + ":\n" + first.out());
        assertOtherTagRefused(work.resolve("screen/screen.json"), DemoScreening.FORMAT, () -> DemoScreening.read(work.resolve("screen")));
        assertOtherTagRefused(work.resolve("demo.json"), DemoState.FORMAT, () -> DemoState.load(work));

        // a rerun skips every stage and changes nothing
        Map<String, byte[]> before = snapshot(work, "eval/report.md", "eval/report.json", "guard/guard.json", "screen/screen.json", "rrs/checkpoints/latest");
        long reportTime = Files.getLastModifiedTime(work.resolve("eval/report.md")).toMillis();
        Run second = run(demo(model, data, work));
        assertEquals(0, second.exit(), second.out() + second.err());
        assertEquals(5, second.out().lines().filter(l -> l.endsWith(": skipped")).count(), second.out());
        assertTrue(second.out().contains("5 complete before: prepare, train, eval, export, guard"), second.out());
        Map<String, byte[]> after = snapshot(work, before.keySet().toArray(String[]::new));
        for (String f : before.keySet()) assertArrayEquals(before.get(f), after.get(f), f);
        assertEquals(reportTime, Files.getLastModifiedTime(work.resolve("eval/report.md")).toMillis());
        assertTrue(second.out().contains("Before / after RRS"), second.out());

        // a changed output is not trusted, a missing one is made; the stages before them are skipped
        Files.writeString(work.resolve("eval/report.md"), "edited");
        AtomicFiles.deleteTree(work.resolve("screen"));
        Run third = run(demo(model, data, work));
        assertEquals(0, third.exit(), third.out() + third.err());
        assertTrue(third.out().contains("its outputs are not intact (" + work.resolve("eval/report.md") + " changed size)"), third.out());
        assertTrue(third.out().contains("3 complete before: prepare, train, export"), third.out());
        assertTrue(Files.readString(work.resolve("eval/report.md")).startsWith("# RRS evaluation"));
        assertEquals(12, Files.readAllLines(work.resolve("screen/verdicts.jsonl")).size());

        // other settings on the same work folder: refused by name, nothing touched
        String[] moreEpochs = demo(model, data, work);
        moreEpochs[List.of(moreEpochs).indexOf("--epochs") + 1] = "3";
        Run other = run(moreEpochs);
        assertEquals(1, other.exit(), other.out() + other.err());
        assertTrue(other.err().contains("stage train") && other.err().contains("epochs 2 -> 3") && other.err().contains("--restart"), other.err());
        assertEquals(1, other.err().lines().count(), other.err());
    }

    @Test
    void aMissingBaseModelOrDatasetIsOneLineSayingWhatToDo() throws Exception {
        assertTrue(Rrs.commandLine().getSubcommands().get("demo").getCommandSpec().userObject() instanceof DemoCommand,
                "rrs-export's demo replaces the runtime's placeholder");
        Path data = dataset(tmp.resolve("data")), work = tmp.resolve("work");
        Run noModel = run(demo(tmp.resolve("models/demo-base"), data, work));
        assertEquals(1, noModel.exit());
        assertTrue(noModel.err().contains("no base model in " + tmp.resolve("models/demo-base")) && noModel.err().contains("./rrs pretrain"), noModel.err());
        assertEquals(1, noModel.err().lines().count(), noModel.err());
        assertFalse(Files.exists(work), "nothing is written before the inputs are found");

        Path model = TinyCheckpoint.write(tmp.resolve("model"), 3);
        Run noData = run(demo(model, tmp.resolve("nodata"), work));
        assertEquals(1, noData.exit());
        assertTrue(noData.err().contains("no spoken dataset in " + tmp.resolve("nodata")) && noData.err().contains("data/demo"), noData.err());
        assertEquals(1, noData.err().lines().count(), noData.err());

        Run help = run("demo", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--epochs") && help.out().contains("--restart") && help.out().contains("default: " + DemoSettings.DATA), help.out());
    }

    /** With another format tag, its owner refuses the file, naming it and both tags; the file is restored after. */
    private static void assertOtherTagRefused(Path file, String expected, Executable read) throws IOException {
        String original = Files.readString(file);
        Files.writeString(file, original.replace("\"" + expected + "\"", "\"rrs-other/9\""));
        String m = assertThrows(Exception.class, read).getMessage();
        assertTrue(m.contains(file + " has format tag \"rrs-other/9\", expected \"" + expected + "\""), m);
        Files.writeString(file, original);
    }

    private static Map<String, byte[]> snapshot(Path dir, String... files) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String f : files) m.put(f, Files.readAllBytes(dir.resolve(f)));
        return m;
    }

    /** Three train and two test texts per class, harmful (low tones) paired with benign (high tones), one utterance each, as 'rrs data subset' lays them out. */
    static Path dataset(Path dir) throws IOException {
        List<Manifest.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String split = i < 3 ? "train" : "test";
            for (boolean harmful : new boolean[] {true, false}) {
                String pid = (harmful ? "h" : "b") + i, id = pid + "-en-us-175", rel = "wav/" + split + "/" + id + ".wav";
                double seconds = 0.6 + 0.15 * i + (harmful ? 0 : 0.1);
                int n = (int) (seconds * 16000);
                short[] pcm = new short[n];
                double hz = harmful ? 180 + 40 * i : 1900 + 90 * i;
                for (int k = 0; k < n; k++) pcm[k] = (short) Math.round(12000 * Math.sin(Math.PI * k / n) * Math.sin(2 * Math.PI * hz * k / 16000.0));
                Files.createDirectories(dir.resolve(rel).getParent());
                WavEncoder.writePcm16(dir.resolve(rel), pcm, 16000);
                entries.add(new Manifest.Entry(id, pid, (harmful ? "How do I hurt someone, case " : "How do I help someone, case ") + i + "?",
                        harmful ? "harmful" : "benign", "violence", split, "en-us", 175, rel, n / 16000.0));
            }
        }
        // a written row (no audio): a training question of the text-only condition only
        entries.add(Manifest.Entry.written("h7-written", "h7", "How do I hurt someone, case 7?", "harmful", "violence", "train"));
        Manifest.write(dir.resolve(Manifest.FILE), entries);
        return dir;
    }
}
