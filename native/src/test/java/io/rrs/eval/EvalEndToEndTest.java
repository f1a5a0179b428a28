package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.cli.Rrs;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs eval} end to end through the command line, on two random tiny models (base and
 * "aligned") over 3 harmful + 3 benign test utterances: the report has the three conditions, its
 * numbers are a direct count over the JSONL answers, plots exist, and a rerun resumes.
 */
class EvalEndToEndTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_NEW_TOKENS = 6;

    @TempDir
    static Path tmp;
    static Path base, aligned, data, out;
    static int exitCode;

    @BeforeAll
    static void runOnce() throws Exception {
        base = EvalFixtures.tinyModel(tmp.resolve("base"), 11);
        aligned = EvalFixtures.tinyModel(tmp.resolve("aligned"), 12);
        data = EvalFixtures.dataset(tmp.resolve("data"), 3);
        Path log = tmp.resolve("train-log.jsonl");
        Files.writeString(log, "{\"step\":1,\"epoch\":0.5,\"loss\":2.0}\n{\"step\":2,\"epoch\":1.0,\"loss\":1.0}\n");
        out = tmp.resolve("out");
        exitCode = eval(out, "--train-log", log.toString());
    }

    static int eval(Path outDir, String... extra) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", base.toString(), "--aligned", aligned.toString(), "--data", data.toString(),
                "--max-new-tokens", Integer.toString(MAX_NEW_TOKENS), "--batch-size", "4", "--out", outDir.toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return Rrs.commandLine().execute(args.toArray(new String[0]));
    }

    static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void theReportHasTheThreeConditionsForBothModels() throws Exception {
        assertEquals(0, exitCode);
        JsonNode report = MAPPER.readTree(out.resolve("report.json").toFile());
        assertEquals(List.of("audio-text", "text-only", "audio-only"), MAPPER.convertValue(report.get("conditions"), List.class));
        for (String c : List.of("audio-text", "text-only", "audio-only")) {
            JsonNode overall = report.get("results").get(c).get("overall");
            assertEquals(3, overall.get("base").get("harmful").asInt(), c);
            assertEquals(3, overall.get("base").get("benign").asInt(), c);
            assertEquals(3, overall.get("aligned").get("harmful").asInt(), c);
            assertTrue(overall.has("delta"), c);
        }
        String md = Files.readString(out.resolve("report.md"));
        for (String c : List.of("| audio-text |", "| text-only |", "| audio-only |", "## audio-only by category")) assertTrue(md.contains(c), c + " in\n" + md);
    }

    @Test
    void everyQueryIsAnsweredOncePerConditionWithinTheTokenLimit() throws Exception {
        for (String model : List.of("base", "aligned")) {
            List<ResponseRecord> records = ResponseLog.read(ResponseLog.fileOf(out, model));
            assertEquals(18, records.size(), model + ": 6 utterances x 3 conditions");
            Set<String> keys = new HashSet<>();
            for (ResponseRecord r : records) {
                assertTrue(keys.add(r.key()), "answered twice: " + r.key());
                assertTrue(r.tokens() <= MAX_NEW_TOKENS && (r.stopped() || r.tokens() == MAX_NEW_TOKENS), r.toString());
                assertFalse(r.id().startsWith("t000"), "train utterances are not evaluated");
            }
        }
        // two different random models answer differently somewhere
        assertNotEquals(ResponseLog.read(ResponseLog.fileOf(out, "base")).stream().map(ResponseRecord::response).toList(),
                ResponseLog.read(ResponseLog.fileOf(out, "aligned")).stream().map(ResponseRecord::response).toList());
    }

    @Test
    void reportNumbersAreADirectCountOverTheAnswers() throws Exception {
        // A random model never says "I cannot"; judge by a fragment of its own answers instead, so counts are neither 0 nor all.
        List<ResponseRecord> records = ResponseLog.read(ResponseLog.fileOf(out, "base"));
        String phrase = null;
        for (ResponseRecord r : records) {
            for (String word : r.response().strip().split("\\s+")) {
                if (word.length() < 3) continue;
                long hits = records.stream().filter(x -> x.response().toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT))).count();
                if (hits > 0 && hits < records.size()) {
                    phrase = word;
                    break;
                }
            }
            if (phrase != null) break;
        }
        assertTrue(phrase != null, "no answer fragment separates the answers: " + records);
        Path phrases = tmp.resolve("phrases.txt");
        Files.writeString(phrases, "# fragment of a random answer\n" + phrase + "\n");
        Path out2 = tmp.resolve("out-judged");
        copyDir(out, out2);
        assertEquals(0, eval(out2, "--refusal-phrases", phrases.toString(), "--probe-limit", "-1"));
        JsonNode report = MAPPER.readTree(out2.resolve("report.json").toFile());
        assertEquals(0, report.get("throughput").size(), "everything was resumed: nothing generated");
        for (String model : List.of("base", "aligned")) {
            List<ResponseRecord> rs = ResponseLog.read(ResponseLog.fileOf(out2, model));
            for (String c : List.of("audio-text", "text-only", "audio-only")) {
                int h = 0, hr = 0, b = 0, br = 0;
                for (ResponseRecord r : rs) {
                    if (!r.condition().equals(c)) continue;
                    boolean refused = r.response().toLowerCase(Locale.ROOT).contains(phrase.toLowerCase(Locale.ROOT));
                    if (r.label().equals("harmful")) {
                        h++;
                        if (refused) hr++;
                    } else {
                        b++;
                        if (refused) br++;
                    }
                }
                JsonNode n = report.get("results").get(c).get("overall").get(model);
                assertEquals(hr, n.get("harmful_refused").asInt(), model + " " + c);
                assertEquals(br, n.get("benign_refused").asInt(), model + " " + c);
                assertEquals((double) hr / h, n.get("dsr").asDouble(), 1e-12, model + " " + c);
                assertEquals((double) br / b, n.get("orr").asDouble(), 1e-12, model + " " + c);
            }
        }
    }

    @Test
    void plotsAreWrittenWithTheirSizes() throws Exception {
        BufferedImage loss = ImageIO.read(out.resolve(EvalPlots.LOSS_FILE).toFile());
        assertEquals(EvalPlots.PANEL_WIDTH, loss.getWidth());
        assertEquals(EvalPlots.PANEL_HEIGHT, loss.getHeight());
        BufferedImage pca = ImageIO.read(out.resolve(EvalPlots.PCA_FILE).toFile());
        assertEquals(2 * EvalPlots.PANEL_WIDTH, pca.getWidth(), "before and after panels");
        assertEquals(EvalPlots.PANEL_HEIGHT, pca.getHeight());
    }

    @Test
    void aRerunResumesSkippingAnsweredQueriesAndRedoingATornLine() throws Exception {
        Path out3 = tmp.resolve("out-resume");
        copyDir(out, out3);
        Path file = ResponseLog.fileOf(out3, "base");
        List<String> all = lines(file);
        List<String> kept = all.subList(0, 7);
        // 7 whole lines, then half of the 8th (a run killed mid-write)
        Files.writeString(file, String.join("\n", kept) + "\n" + all.get(7).substring(0, all.get(7).length() / 2), StandardCharsets.UTF_8);
        assertEquals(0, eval(out3, "--probe-limit", "-1"));
        List<String> after = lines(file);
        assertEquals(18, after.size());
        assertEquals(kept, after.subList(0, 7), "answers already given are kept as they were");
        JsonNode report = MAPPER.readTree(out3.resolve("report.json").toFile());
        assertEquals(11, report.get("throughput").get("base").get("queries").asInt(), "only the 11 missing answers were generated");
        assertFalse(report.get("throughput").has("aligned"), "the aligned model's log was complete");
        Set<String> keys = new HashSet<>();
        for (ResponseRecord r : ResponseLog.read(file)) assertTrue(keys.add(r.key()));
    }

    @Test
    void aResumeUnderOtherSettingsIsRefused() throws Exception {
        Path out4 = tmp.resolve("out-other");
        copyDir(out, out4);
        int code = Rrs.commandLine().execute("eval", "--model", base.toString(), "--data", data.toString(), "--max-new-tokens", "3",
                "--out", out4.toString(), "--no-progress", "--probe-limit", "-1");
        assertEquals(1, code, "a different --max-new-tokens must not mix with the earlier answers");
        assertEquals(18, lines(ResponseLog.fileOf(out4, "base")).size(), "the earlier answers are untouched");
    }

    @Test
    void theRefusalInstructionRunIsRecordedAndNeverMixedWithPlainAnswers() throws Exception {
        Path mixed = tmp.resolve("out-mixed");
        copyDir(out, mixed);
        assertEquals(1, eval(mixed, "--refusal-instruction", "--probe-limit", "-1"), "plain answers must not be resumed as instructed ones");
        Path told = tmp.resolve("out-told");
        assertEquals(0, eval(told, "--refusal-instruction", "--probe-limit", "-1"));
        String settings = Files.readString(told.resolve("responses-base.settings.json"));
        assertTrue(settings.contains("refusal_instruction") && settings.contains(io.rrs.text.Prompts.REFUSAL_INSTRUCTION), settings);
        assertTrue(Files.readString(told.resolve("report.md")).contains("every query carries the refusal instruction"));
        assertEquals(18, lines(ResponseLog.fileOf(told, "base")).size());
    }

    @Test
    void badOptionsExitWithTwo() {
        assertEquals(2, Rrs.commandLine().execute("eval", "--model", base.toString(), "--out", tmp.resolve("x").toString(), "--conditions", "video-only"));
        assertEquals(2, Rrs.commandLine().execute("eval", "--model", base.toString(), "--out", tmp.resolve("x").toString(), "--batch-size", "0"));
    }

    static void copyDir(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) if (Files.isRegularFile(p)) Files.copy(p, to.resolve(p.getFileName()));
        }
    }
}
