package io.rrs.eval;

import java.nio.file.Files;
import io.rrs.frontend.WhisperOptions;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.data.Manifest;
import io.rrs.data.PromptSplit;
import io.rrs.data.SpokenDataset;
import io.rrs.model.OpenedModel;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.text.TextTokenizer;
import io.rrs.training.TrainingLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scope: one {@code rrs eval} run: select the test utterances, answer them with the base model,
 * the aligned one (if given) and every {@code --compare} model in every condition (resuming each
 * model's JSONL), take the last-token representations of base and aligned for the PCA picture,
 * then write report.json, report.md and the PNGs.
 * Models are loaded one after the other, so only one is resident at a time.
 */
public final class EvalRun {
    private final EvalSettings s;
    private final PrintStream log;

    public EvalRun(EvalSettings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    /** The evaluated utterances: the test split, harmful and benign alternating (so any --limit keeps both), first {@code limit}. */
    public static List<Manifest.Entry> select(SpokenDataset data, int limit) {
        List<Manifest.Entry> harmful = data.select(PromptSplit.Split.TEST, io.rrs.data.SourceDataset.Label.HARMFUL);
        List<Manifest.Entry> benign = data.select(PromptSplit.Split.TEST, io.rrs.data.SourceDataset.Label.BENIGN);
        List<Manifest.Entry> out = new ArrayList<>();
        for (int i = 0; i < Math.max(harmful.size(), benign.size()); i++) {
            if (i < harmful.size()) out.add(harmful.get(i));
            if (i < benign.size()) out.add(benign.get(i));
        }
        return limit > 0 && limit < out.size() ? List.copyOf(out.subList(0, limit)) : out;
    }

    public EvalReport run() throws IOException {
        SpokenDataset data = SpokenDataset.open(s.data());
        List<Manifest.Entry> queries = select(data, s.limit());
        if (queries.isEmpty()) throw new IOException("the dataset in " + s.data().toAbsolutePath() + " has no test utterances; rebuild it with 'rrs data build'");
        List<String> conditionKeys = s.conditions().stream().map(EvalPrompts::key).toList();
        log.printf("rrs eval: %d test utterances x %d conditions %s%n", queries.size(), s.conditions().size(), conditionKeys);

        Map<String, RateTable> rates = new LinkedHashMap<>();
        Map<String, String> paths = new LinkedHashMap<>();
        Map<String, ResponseGenerator.Throughput> speed = new LinkedHashMap<>();
        Map<String, Map<String, double[][]>> representations = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        TextTokenizer tokenizer = ModelSource.tokenizer(s.model(), s.tokenizer());
        ChatTemplate template = new ChatTemplate(tokenizer);

        QueryEncoder encoder;
        long baseVocab;
        // each model's native memory is released before the next one is loaded
        try (Qwen2AudioModel base = ModelSource.loadBase(s.model(), s.compute())) {
            // every model is fed the base folder's encoding: the same features and prompts for base, aligned and compare models
            encoder = OpenedModel.queryEncoder(s.model(), base.config(), template);
            paths.put("base", s.model().toAbsolutePath().toString());
            evaluate("base", base, encoder, data, queries, rates, speed, representations, s.model().toAbsolutePath().toString());
            baseVocab = base.config().text().vocabSize();
        }

        // the aligned model, then every --compare model, each loaded, evaluated and let go in turn; their training logs for loss.png
        Map<String, Path> others = new LinkedHashMap<>();
        if (s.aligned() != null) others.put("aligned", s.aligned());
        else notes.add("no --aligned model: " + (s.compare().isEmpty() ? "base columns only" : "no RRS columns"));
        others.putAll(s.compare());
        Map<String, Path> trainingLogs = new LinkedHashMap<>();
        for (Map.Entry<String, Path> m : others.entrySet()) {
            String name = m.getKey(), option = name.equals("aligned") ? "--aligned" : "--compare " + name;
            ModelSource.Aligned loaded = ModelSource.loadAligned(s.model(), m.getValue(), option, () -> ModelSource.loadBase(s.model(), s.compute()),
                    s.compute());
            try (Qwen2AudioModel model = loaded.model()) {
                checkFrontEnd(option, m.getValue(), model, encoder);
                if (model.config().text().vocabSize() != baseVocab)
                    throw new IOException(option + " " + m.getValue() + " has a vocabulary of " + model.config().text().vocabSize()
                            + " tokens, the base model " + baseVocab + "; it must be the base model's fine-tune");
                paths.put(name, m.getValue().toAbsolutePath() + " (" + loaded.description() + ")");
                if (loaded.trainingLog() != null) trainingLogs.put(name, loaded.trainingLog());
                // the PCA picture is base vs aligned: compare models are not probed
                evaluate(name, model, encoder, data, queries, rates, speed, name.equals("aligned") ? representations : null,
                        m.getValue().toAbsolutePath().toString());
            }
        }

        List<String> plots = new ArrayList<>();
        // --train-log wins for the aligned model; else each model's own log (a run's train-log.jsonl, also for one of its checkpoints)
        Map<String, TrainingLog> curves = new LinkedHashMap<>();
        Path alignedLog = s.trainLog() != null ? s.trainLog() : trainingLogs.get("aligned");
        if (alignedLog != null) curves.put(EvalReport.label("aligned"), TrainingLog.read(alignedLog));
        for (String name : s.compare().keySet())
            if (trainingLogs.containsKey(name)) curves.put(EvalReport.label(name), TrainingLog.read(trainingLogs.get(name)));
        if (!curves.isEmpty()) {
            log.println("rrs eval: loss plot of " + curves.keySet());
            EvalPlots.lossCurves(curves, s.out().resolve(EvalPlots.LOSS_FILE));
            plots.add(EvalPlots.LOSS_FILE);
        } else {
            notes.add("no training log (--train-log, or " + TrainingLog.FILE_NAME + " in the --aligned run): no loss plot");
        }
        if (!representations.isEmpty()) {
            Pca pca = EvalPlots.pca(EvalPlots.panels(representations.get("base"), representations.get("aligned")), s.out().resolve(EvalPlots.PCA_FILE));
            plots.add(EvalPlots.PCA_FILE);
            double[] r = pca.explainedVarianceRatio();
            notes.add(String.format(java.util.Locale.ROOT, "PCA of last-token representations (" + EvalPrompts.key(s.probeCondition()) + " prompt), fitted on both models' points: "
                    + "PC1 %.1f%%, PC2 %.1f%% of the variance", 100 * r[0], 100 * r[1]));
        }
        notes.add("text-only prompt: the question text alone; audio-text instruction: \"" + Prompts.AUDIO_TEXT_INSTRUCTION + "\"; greedy decoding, "
                + s.maxNewTokens() + " new tokens at most");
        if (s.refusalInstruction())
            notes.add("every query carries the refusal instruction \"" + Prompts.REFUSAL_INSTRUCTION + "\" (audio-only queries thereby gain text): "
                    + "DSR here is the refusal rate when told to refuse");
        EvalReport report = new EvalReport(conditionKeys, rates, paths, s.judge().phrases(), speed, plots, notes);
        Path md = report.write(s.out());
        log.println("rrs eval: wrote " + md + " and " + s.out().resolve("report.json"));
        return report;
    }

    /** A model folder compared here that ships its own front-end must ship the base's: every model is fed the base's encoding. */
    private static void checkFrontEnd(String option, Path folder, Qwen2AudioModel model, QueryEncoder encoder) throws IOException {
        if (!Files.isRegularFile(folder.resolve(PreprocessorConfig.FILE))) return;
        WhisperOptions own = PreprocessorConfig.load(folder, model.config().audio().numMelBins(), model.config().audio().maxFrames());
        if (!own.equals(encoder.frontEnd()))
            throw new IOException(option + " " + folder.toAbsolutePath() + ": its " + PreprocessorConfig.FILE + " (" + own + ") differs from the base model's ("
                    + encoder.frontEnd() + "); evaluate models that share the base's front-end");
    }

    private void evaluate(String name, Qwen2AudioModel model, QueryEncoder encoder, SpokenDataset data, List<Manifest.Entry> queries,
                          Map<String, RateTable> rates, Map<String, ResponseGenerator.Throughput> speed,
                          Map<String, Map<String, double[][]>> representations, String modelPath) throws IOException {
        QueryInputs inputs = new QueryInputs(encoder, data);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", modelPath);
        settings.put("max_new_tokens", Integer.toString(s.maxNewTokens()));
        settings.put("audio_text_instruction", Prompts.AUDIO_TEXT_INSTRUCTION);
        settings.put("text_only_suffix", EvalPrompts.TEXT_ONLY_SUFFIX);
        settings.put("system", Prompts.DEFAULT_SYSTEM);
        settings.put("audio_window_frames", Integer.toString(inputs.windowFrames()));
        if (s.refusalInstruction()) settings.put("refusal_instruction", Prompts.REFUSAL_INSTRUCTION);
        List<ResponseRecord> records;
        try (ResponseLog responses = ResponseLog.open(s.out(), name, settings)) {
            int before = responses.records().size();
            ResponseGenerator.Throughput t = new ResponseGenerator(model, inputs, s.maxNewTokens(), s.batchSize(),
                    s.refusalInstruction() ? io.rrs.text.ChatPrompt::withRefusalInstruction : java.util.function.UnaryOperator.identity())
                    .run(queries, s.conditions(), responses, name, s.progress() ? System.err : null);
            if (t.queries() > 0) speed.put(name, t);
            log.printf("rrs eval: %s: %d answers resumed, %d generated in %.1f s (%.2f queries/s)%n", name, before, t.queries(), t.seconds(), t.queriesPerSecond());
            records = responses.records();
        }
        rates.put(name, RateTable.of(current(records, queries), s.judge()));
        if (representations != null && s.probeLimit() >= 0) {
            List<Manifest.Entry> harmful = queries.stream().filter(e -> e.label().equals("harmful")).toList();
            List<Manifest.Entry> benign = queries.stream().filter(e -> e.label().equals("benign")).toList();
            if (s.probeLimit() > 0) {
                harmful = harmful.subList(0, Math.min(harmful.size(), s.probeLimit()));
                benign = benign.subList(0, Math.min(benign.size(), s.probeLimit()));
            }
            if (!harmful.isEmpty() && !benign.isEmpty())
                representations.put(name, new RepresentationProbe(inputs, s.batchSize(), s.probeCondition()).represent(model, harmful, benign));
        }
    }

    /** The records of this run's queries and conditions (a resumed log may also hold answers from a wider earlier run). */
    private List<ResponseRecord> current(List<ResponseRecord> records, List<Manifest.Entry> queries) {
        Set<String> wanted = new HashSet<>();
        for (InputCondition c : s.conditions()) for (Manifest.Entry e : queries) wanted.add(EvalPrompts.key(c) + "/" + e.id());
        return records.stream().filter(r -> wanted.contains(r.key())).toList();
    }
}
