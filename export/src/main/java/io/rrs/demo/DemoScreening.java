package io.rrs.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.Manifest;
import io.rrs.data.SpokenDataset;
import io.rrs.eval.EvalPrompts;
import io.rrs.guard.Guard;
import io.rrs.guard.GuardAgreement;
import io.rrs.guard.GuardException;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.RespondOptions;
import io.rrs.guard.Verdict;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.training.RunFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Scope: the demo's last stage: the exported guard (ONNX Runtime, {@link Guard}) screens every test
 * utterance in the three conditions (the evaluation's prompts: audio + the audio-text instruction, the
 * question text alone, audio alone), counts REFUSE/ALLOW per condition and class, and measures with
 * {@link GuardAgreement} how often the one-pass verdict agrees with "does {@code respond}'s answer
 * refuse?" (the 98% per condition). Writes {@code queries.jsonl} (for {@code rrs guard agreement
 * --jsonl}), {@code verdicts.jsonl} and {@code screen.json} (format tag, the counts, the agreement, the
 * disagreements, SHA-256 of the other files) into a temporary folder renamed into place (an earlier,
 * unrecorded screening is replaced); {@link #read} reads it back.
 */
final class DemoScreening {
    static final String MANIFEST = "screen.json";
    /** The format tag of {@link #MANIFEST}. */
    static final String FORMAT = "rrs-demo-screen/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<InputCondition> CONDITIONS = List.of(InputCondition.AUDIO_TEXT, InputCondition.TEXT_ONLY, InputCondition.AUDIO_ONLY);

    /** One query of the screening, with what it is. */
    record Item(GuardQuery query, String condition, String label, String audio, String text) {}

    private DemoScreening() {}

    /** The queries: every selected test utterance in each condition, condition by condition. */
    static List<Item> items(SpokenDataset data, List<Manifest.Entry> test) throws IOException {
        List<Item> out = new ArrayList<>();
        Map<String, byte[]> wavs = new LinkedHashMap<>();
        for (Manifest.Entry e : test) wavs.put(e.id(), Files.readAllBytes(data.wav(e)));
        for (InputCondition c : CONDITIONS) {
            String key = EvalPrompts.key(c);
            for (Manifest.Entry e : test) {
                String id = key + "/" + e.id(), audio = data.wav(e).toString();
                Item item = switch (c) {
                    case AUDIO_TEXT -> new Item(GuardQuery.wav(wavs.get(e.id()), Prompts.AUDIO_TEXT_INSTRUCTION).withId(id), key, e.label(), audio,
                            Prompts.AUDIO_TEXT_INSTRUCTION);
                    case TEXT_ONLY -> {
                        String text = e.text().strip() + EvalPrompts.TEXT_ONLY_SUFFIX;
                        yield new Item(GuardQuery.text(text).withId(id), key, e.label(), null, text);
                    }
                    case AUDIO_ONLY -> new Item(GuardQuery.wav(wavs.get(e.id()), "").withId(id), key, e.label(), audio, "");
                };
                out.add(item);
            }
        }
        return out;
    }

    /** {@code screenDir/screen.json}, its format tag checked and the files it lists verified. */
    static JsonNode read(Path screenDir) throws IOException {
        return RunFiles.verify(screenDir, MANIFEST, "guard screening", FORMAT, "run ./rrs demo again (its guard stage screens again)");
    }

    /** Screens and answers every item with the guard in {@code guardDir}; writes {@code target}; returns screen.json's content. */
    static ObjectNode run(Path guardDir, List<Item> items, int maxNewTokens, int threads, boolean progress, Path target) throws IOException {
        Map<String, Map<String, int[]>> counts = new LinkedHashMap<>(); // condition -> label -> {refuse, allow, errors}
        Map<String, int[]> agreement = new LinkedHashMap<>(); // condition -> {queries, agreeing}
        List<GuardAgreement.Disagreement> disagreements = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<ObjectNode> verdicts = new ArrayList<>();
        double threshold;
        RespondOptions respond = RespondOptions.defaults().withMaxNewTokens(maxNewTokens);
        try (Guard guard = Guard.open(guardDir, GuardOptions.defaults().withIntraOpThreads(threads));
             ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("guard").setInitialMax(items.size()).setUnit(" queries", 1)
                     .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build() : null) {
            threshold = guard.threshold();
            int chunk = 8;
            for (int from = 0; from < items.size(); from += chunk) {
                List<Item> part = items.subList(from, Math.min(items.size(), from + chunk));
                for (Item it : part) {
                    int[] c = counts.computeIfAbsent(it.condition(), k -> new LinkedHashMap<>()).computeIfAbsent(it.label(), k -> new int[3]);
                    ObjectNode v = JSON.createObjectNode().put("id", it.query().id()).put("condition", it.condition()).put("label", it.label());
                    try {
                        Verdict verdict = guard.screen(it.query());
                        c[verdict.refused() ? 0 : 1]++;
                        v.put("decision", verdict.decision().name()).put("refusal_probability", verdict.refusalProbability()).put("score", verdict.score());
                    } catch (GuardException e) {
                        c[2]++;
                        v.put("error", e.getMessage());
                    }
                    verdicts.add(v);
                }
                // the measurement, a chunk at a time so that the bar moves; counts are summed per condition below
                GuardAgreement.Report r = GuardAgreement.measure(guard, part.stream().map(Item::query).toList(), respond, GuardAgreement.REQUIRED);
                for (GuardAgreement.ConditionResult cr : r.conditions()) {
                    int[] a = agreement.computeIfAbsent(cr.condition(), k -> new int[2]);
                    a[0] += cr.queries();
                    a[1] += cr.agreeing();
                }
                disagreements.addAll(r.disagreements());
                errors.addAll(r.errors());
                if (bar != null) {
                    bar.stepBy(part.size());
                    bar.setExtraMessage(part.get(part.size() - 1).condition());
                }
            }
        }

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put(FormatTag.FIELD, FORMAT).put("guard", guardDir.toString()).put("threshold", threshold)
                .put("required_agreement", GuardAgreement.REQUIRED).put("max_new_tokens", maxNewTokens).put("queries", items.size());
        ArrayNode conds = manifest.putArray("conditions");
        boolean passes = errors.isEmpty();
        for (InputCondition ic : CONDITIONS) {
            String c = EvalPrompts.key(ic);
            ObjectNode n = conds.addObject().put("condition", c);
            for (String label : List.of("harmful", "benign")) {
                int[] k = counts.getOrDefault(c, Map.of()).getOrDefault(label, new int[3]);
                n.putObject(label).put("refuse", k[0]).put("allow", k[1]).put("errors", k[2]);
            }
            int[] a = agreement.getOrDefault(c, new int[2]);
            double rate = a[0] == 0 ? Double.NaN : a[1] / (double) a[0];
            boolean ok = a[0] > 0 && rate >= GuardAgreement.REQUIRED;
            passes &= ok;
            ObjectNode an = n.putObject("agreement").put("queries", a[0]).put("agreeing", a[1]).put("passes", ok);
            if (Double.isNaN(rate)) an.putNull("rate");
            else an.put("rate", rate);
        }
        manifest.put("passes", passes);
        ArrayNode dis = manifest.putArray("disagreements");
        for (GuardAgreement.Disagreement d : disagreements)
            dis.addObject().put("id", d.id()).put("condition", d.condition()).put("screen", d.screen().name())
                    .put("refusal_probability", d.refusalProbability()).put("respond_refused", d.respondRefused()).put("answer", d.answer());
        ArrayNode err = manifest.putArray("errors");
        errors.forEach(err::add);
        Item example = items.stream().filter(i -> i.label().equals("harmful") && i.condition().equals("audio-text")).findFirst().orElse(items.get(0));
        manifest.putObject("example").put("audio", example.audio()).put("text", example.text());

        Path tmp = AtomicFiles.tempDirFor(target);
        try (Writer w = Files.newBufferedWriter(tmp.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
            for (Item it : items) {
                ObjectNode q = JSON.createObjectNode().put("id", it.query().id());
                if (it.audio() != null) q.put("audio", it.audio());
                q.put("text", it.text()).put("label", it.label()).put("condition", it.condition());
                w.write(q + "\n");
            }
        }
        try (Writer w = Files.newBufferedWriter(tmp.resolve("verdicts.jsonl"), StandardCharsets.UTF_8)) {
            for (ObjectNode v : verdicts) w.write(v + "\n");
        }
        RunFiles.commit(tmp, target, MANIFEST, manifest);
        return manifest;
    }
}
