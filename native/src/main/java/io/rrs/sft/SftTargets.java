package io.rrs.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.SourceDataset;
import io.rrs.data.SpokenDataset;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import io.rrs.model.Generated;
import io.rrs.model.GenerationOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.OpenedModel;
import io.rrs.text.Prompts;
import io.rrs.text.SpecialTokens;
import io.rrs.text.TextTokenizer;
import io.rrs.training.CorruptRunException;
import io.rrs.training.Progress;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import io.rrs.training.RunFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;

/**
 * Scope: the rows of an {@code rrs sft train} run and their target answers, fixed once at the start:
 * {@code RUN/sft-targets.jsonl} (one line per row, harmful rows first, then benign, as {@code rrs reshape
 * prepare} orders them) and {@code RUN/sft.json} (the {@link SftData} settings, the model's config.json SHA-256,
 * row counts, and the size and SHA-256 of the targets file; written last, atomically). Harmful rows answer
 * with the refusal answer; benign rows ({@code --benign self}) with the frozen base model's own greedy answer
 * to the query under the evaluation's instruction. A resumed or restarted run reuses the verified file.
 */
public final class SftTargets {
    public static final String MANIFEST = "sft.json";
    public static final String FILE = "sft-targets.jsonl";
    /** The trainer name in sft.json and in every checkpoint's settings. */
    public static final String TRAINER = "sft";
    /** The format tag of {@link #MANIFEST}. */
    public static final String FORMAT = "rrs-sft-run/1";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    /** One training row: the query and its target answer ("refusal" or "base": the base model's own, with its token count). */
    public record Row(Query query, String answer, String source, int generatedTokens, boolean stopped) {}

    /** The recorded run: sft.json, its settings, and the rows in order. */
    public record Targets(JsonNode manifest, SftData data, List<Row> rows) {
        public long count(String label) {
            return rows.stream().filter(r -> r.query().label().equals(label)).count();
        }
    }

    private SftTargets() {}

    public static boolean exists(Path runDir) {
        return Files.isRegularFile(runDir.resolve(MANIFEST));
    }

    /** RUN/sft.json, its format tag checked and sft-targets.jsonl verified against it; a missing, edited or truncated file is named. */
    public static JsonNode readManifest(Path runDir) throws IOException {
        return RunFiles.verify(runDir, MANIFEST, "sft run", FORMAT, "delete " + MANIFEST + " and " + FILE + " in " + runDir
                + " and train again with 'rrs sft train' to generate them, or start a new --run DIR");
    }

    /** Reads RUN/sft.json and the rows of sft-targets.jsonl ({@link #readManifest}). */
    public static Targets load(Path runDir) throws IOException {
        JsonNode manifest = readManifest(runDir);
        Path file = runDir.resolve(FILE);
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            try {
                JsonNode o = LINE.readTree(lines.get(i));
                rows.add(new Row(Query.fromJson(o), o.path("answer").asText(), o.path("source").asText(), o.path("generated_tokens").asInt(), o.path("stopped").asBoolean()));
            } catch (IOException | IllegalArgumentException e) {
                throw new CorruptRunException(file + " line " + (i + 1) + " is not a target row (" + e.getMessage() + "); delete " + MANIFEST
                        + " and " + FILE + " in " + runDir + " to generate them again");
            }
        }
        return new Targets(manifest, SftData.fromJson(manifest), rows);
    }

    /**
     * The run's targets: the recorded ones when sft.json exists (its settings and model must equal {@code data}'s),
     * else selected and generated now with {@code opened} (the frozen base, before any adapter is attached).
     */
    public static Targets prepare(Path runDir, SftData data, OpenedModel opened, QueryBatches encoder, Progress progress)
            throws IOException {
        String modelSha = AtomicFiles.sha256(data.modelDir().resolve("config.json"));
        if (exists(runDir)) {
            Targets t = load(runDir);
            if (!modelSha.equals(t.manifest().path("model_config_sha256").asText()))
                throw new IOException("model " + data.modelDir() + " is not the one run " + runDir + " was started with (" + t.manifest().path("model").asText()
                        + ": its config.json differs); pass that --model, or start a new --run DIR");
            if (!PreprocessorConfig.toJson(opened.queries().frontEnd()).equals(t.manifest().path("front_end")))
                throw new IOException("model " + data.modelDir() + ": its front-end (" + PreprocessorConfig.FILE + ", or its default) is not the one run " + runDir
                        + " was started with (" + t.manifest().path("front_end") + "); restore it, or start a new --run DIR");
            ObjectNode recorded = t.data().toJson(JSON), wanted = data.toJson(JSON);
            recorded.remove("model");
            wanted.remove("model");
            if (!recorded.equals(wanted))
                throw new IOException(runDir.resolve(MANIFEST) + " records other settings (" + recorded + ", now " + wanted + "); continue with --resume "
                        + "(the recorded settings apply), train into a new --run DIR, or delete " + MANIFEST + " and " + FILE + " to start over");
            return t;
        }
        SpokenDataset dataset = SpokenDataset.open(data.dataDir());
        List<Query> harmful = Query.trainSplit(dataset, SourceDataset.Label.HARMFUL, data.limitPerClass(), data.seed(), data.condition());
        List<Query> benign = data.benign() == SftData.Benign.SELF
                ? Query.trainSplit(dataset, SourceDataset.Label.BENIGN, data.limitPerClass(), data.seed(), data.condition()) : List.of();
        if (harmful.isEmpty() || (data.benign() == SftData.Benign.SELF && benign.isEmpty()))
            throw new IOException(data.dataDir() + " has " + harmful.size() + " harmful and " + benign.size() + " benign training utterances; "
                    + (data.benign() == SftData.Benign.SELF ? "both are needed" : "harmful ones are needed") + " (rebuild with 'rrs data build')");
        List<Row> rows = new ArrayList<>();
        for (Query q : harmful) rows.add(new Row(q, data.refusalAnswer(), "refusal", 0, true));
        rows.addAll(baseAnswers(benign, data, opened, encoder, progress));

        StringBuilder text = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            text.append(LINE.writeValueAsString(r.query().writeTo(LINE.createObjectNode().put("row", i)).put("answer", r.answer()).put("source", r.source())
                    .put("generated_tokens", r.generatedTokens()).put("stopped", r.stopped()))).append('\n');
        }
        Files.createDirectories(runDir);
        AtomicFiles.writeString(runDir.resolve(FILE), text.toString());
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put(FormatTag.FIELD, FORMAT).put("trainer", TRAINER);
        manifest.setAll(data.toJson(JSON));
        manifest.put("model_config_sha256", modelSha).put("target_instruction", Prompts.AUDIO_TEXT_INSTRUCTION)
                .put("harmful_rows", harmful.size()).put("benign_rows", benign.size());
        manifest.set("front_end", PreprocessorConfig.toJson(opened.queries().frontEnd()));
        ObjectNode entry = manifest.putObject("files").putObject(FILE);
        entry.put("bytes", Files.size(runDir.resolve(FILE))).put("sha256", AtomicFiles.sha256(runDir.resolve(FILE)));
        AtomicFiles.writeString(runDir.resolve(MANIFEST), JSON.writeValueAsString(manifest) + "\n"); // last: the run's targets are complete
        return load(runDir);
    }

    /** The frozen base model's greedy answers (special tokens left out), as {@code rrs eval} generates them. */
    private static List<Row> baseAnswers(List<Query> queries, SftData data, OpenedModel opened, QueryBatches encoder,
                                         Progress progress) {
        TextTokenizer tok = opened.tokenizer();
        GenerationOptions options = new GenerationOptions(data.targetTokens(),
                Set.of((long) tok.specialTokenId(SpecialTokens.IM_END), (long) tok.specialTokenId(SpecialTokens.END_OF_TEXT)));
        List<Row> rows = new ArrayList<>();
        for (int from = 0; from < queries.size(); from += data.generationBatchSize()) {
            List<Query> batch = queries.subList(from, Math.min(queries.size(), from + data.generationBatchSize()));
            List<Generated> answers;
            try (PointerScope scope = new PointerScope()) {
                ModelInput in = encoder.encode(batch, data.condition(), Collections.nCopies(batch.size(), Prompts.AUDIO_TEXT_INSTRUCTION), false);
                answers = opened.model().generate(in, options, true);
            }
            for (int i = 0; i < batch.size(); i++) {
                long[] t = answers.get(i).tokens();
                int[] ids = new int[t.length];
                for (int k = 0; k < ids.length; k++) ids[k] = Math.toIntExact(t[k]);
                rows.add(new Row(batch.get(i), tok.decode(ids, true), "base", ids.length, answers.get(i).stopped()));
            }
            progress.update(from + batch.size(), queries.size(), "base model answers to the benign queries");
        }
        return rows;
    }
}
