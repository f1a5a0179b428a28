package io.rrs.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.cli.ExitCodes;
import io.rrs.data.Manifest;
import io.rrs.data.PromptSplit;
import io.rrs.data.SourceDataset;
import io.rrs.data.SpokenDataset;
import io.rrs.eval.EvalReport;
import io.rrs.eval.EvalRun;
import io.rrs.eval.EvalSettings;
import io.rrs.eval.RefusalJudge;
import io.rrs.export.ExportOptions;
import io.rrs.export.Exporter;
import io.rrs.guard.GuardManifest;
import io.rrs.io.AtomicFiles;
import io.rrs.reshape.ClassSeparation;
import io.rrs.reshape.PreparedRun;
import io.rrs.reshape.ReshapePrepare;
import io.rrs.reshape.ReshapeTrainer;
import io.rrs.training.Checkpoint;
import io.rrs.training.ConsoleProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scope: {@code rrs demo}'s pipeline on the embedded default (DESIGN section 7): check the dataset and
 * the base model, RRS (prepare + train, {@link ReshapePrepare} / {@link ReshapeTrainer}), the evaluation
 * of base vs RRS in the three conditions ({@link EvalRun}), the export of base + the RRS run
 * ({@link Exporter}, parity-gated) and the guard's screening with the screen-vs-respond agreement
 * ({@link DemoScreening}). Each stage prints its time; a stage whose outputs are complete is skipped, so a
 * killed demo resumes: completion is what the stage's own files prove (hash-checked prepare output and
 * checkpoints, guard.json's file hashes, the screening's manifest; the evaluation's files are hashed into
 * {@link DemoState}), for the inputs recorded in {@code WORK/demo.json}. A work folder made with other
 * inputs (another model, dataset or setting) is refused by name rather than mixed.
 */
public final class DemoPipeline {
    static final List<String> OWNED = List.of("rrs", "eval", "guard", "screen", DemoState.FILE);
    private static final int STAGES = 7;

    /** What the demo produced: the evaluation report (report.json) and the screening (screen.json), with their folders. */
    public record Result(DemoSettings settings, JsonNode report, JsonNode screen, List<String> skipped, List<String> ran) {
        public Path reportMd() {
            return settings.evalDir().resolve("report.md");
        }
    }

    /** The body of a stage: does the work and returns its summary line and the files to hash into the state. */
    private interface Body {
        Outcome run() throws Exception;
    }

    private record Outcome(String summary, List<String> files) {}

    /** Null when a finished stage's outputs are intact, else what is wrong. */
    private interface Check {
        String problem() throws Exception;
    }

    private final DemoSettings s;
    private final PrintWriter out;
    private final Path root;
    private DemoState state;
    private final List<String> skipped = new ArrayList<>(), ran = new ArrayList<>();

    public DemoPipeline(DemoSettings settings, PrintWriter out, Path root) {
        this.s = settings;
        this.out = out;
        this.root = root.toAbsolutePath().normalize();
    }

    /** Removes the demo's own outputs from the work folder (nothing else there is touched). */
    public static List<Path> restart(Path work) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (String name : OWNED) {
            Path p = work.resolve(name);
            if (Files.exists(p)) {
                AtomicFiles.deleteTree(p);
                removed.add(p);
            }
        }
        return removed;
    }

    public Result run() throws DemoException {
        Map<String, String> inputs = new LinkedHashMap<>();
        SpokenDataset data = timed(1, "data", () -> checkData(inputs));
        timed(2, "base model", () -> checkModel(inputs));
        try {
            Files.createDirectories(s.work());
        } catch (IOException e) {
            throw new DemoException(ExitCodes.FAILED, "cannot create the work folder " + s.work() + " (" + e.getMessage() + "); pass another --work DIR");
        }
        if (!DemoState.exists(s.work())) {
            List<String> foreign = OWNED.stream().filter(n -> Files.exists(s.work().resolve(n))).toList();
            if (!foreign.isEmpty())
                throw new DemoException(ExitCodes.FAILED, "work folder " + display(s.work()) + " holds " + foreign + " but no " + DemoState.FILE
                        + " (not made by this demo, or its state was deleted); use another --work DIR, or --restart to remove them");
        }
        state = DemoState.load(s.work());

        Map<String, String> prepareIn = with(inputs, s.prepareInputs());
        stage(3, "prepare", prepareIn, () -> {
            PreparedRun.load(s.runDir());
            return null;
        }, this::prepare);
        Map<String, String> trainIn = with(prepareIn, s.trainInputs());
        stage(4, "train", trainIn, this::trainProblem, this::train);
        Map<String, String> evalIn = with(trainIn, s.evalInputs());
        stage(5, "eval", evalIn, () -> state.filesProblem("eval"), this::evaluate);
        stage(6, "export", trainIn, () -> {
            GuardManifest.read(s.guardDir());
            return state.filesProblem("export");
        }, this::export);
        List<Manifest.Entry> test = EvalRun.select(data, s.evalLimit());
        stage(7, "guard", with(trainIn, s.evalInputs()), () -> {
            DemoScreening.read(s.screenDir());
            return state.filesProblem("guard");
        }, () -> screen(data, test));

        try {
            return new Result(s, new ObjectMapper().readTree(s.evalDir().resolve("report.json").toFile()), DemoScreening.read(s.screenDir()), skipped, ran);
        } catch (IOException e) {
            throw new DemoException(ExitCodes.FAILED, "cannot read the demo's results (" + e.getMessage() + "); rerun, or --restart");
        }
    }

    private SpokenDataset checkData(Map<String, String> inputs) throws Exception {
        Path manifest = s.data().resolve(Manifest.FILE);
        if (!Files.isRegularFile(manifest))
            throw new DemoException(ExitCodes.FAILED, "no spoken dataset in " + display(s.data()) + " (" + Manifest.FILE + " is missing): the bundled one is data/demo "
                    + "(restore it with 'git checkout -- data/demo'); a full one is built by './rrs data build' and passed as --data data/rrs");
        SpokenDataset data;
        try {
            data = SpokenDataset.open(s.data());
        } catch (IOException e) {
            throw new DemoException(ExitCodes.FAILED, e.getMessage());
        }
        long bytes = 0;
        int writtenHarmful = 0, writtenBenign = 0; // written training rows: questions without audio
        for (Manifest.Entry e : data.entries()) {
            if (e.written()) {
                if (!e.split().equals(PromptSplit.Split.TRAIN.json())) continue;
                if (e.label().equals(SourceDataset.Label.HARMFUL.json())) writtenHarmful++;
                else writtenBenign++;
                continue;
            }
            Path wav = data.wav(e);
            if (!Files.isRegularFile(wav))
                throw new DemoException(ExitCodes.FAILED, "dataset " + display(s.data()) + ": " + display(wav) + " (utterance " + e.id() + ") is missing; restore or rebuild the dataset");
            bytes += Files.size(wav);
        }
        int[] n = new int[4];
        for (PromptSplit.Split split : PromptSplit.Split.values())
            for (SourceDataset.Label label : SourceDataset.Label.values())
                n[split.ordinal() * 2 + label.ordinal()] = data.select(split, label).size();
        for (int i = 0; i < 4; i++)
            if (n[i] == 0)
                throw new DemoException(ExitCodes.FAILED, "dataset " + display(s.data()) + " has no " + PromptSplit.Split.values()[i / 2].json() + " "
                        + SourceDataset.Label.values()[i % 2].json() + " utterances; the demo needs both classes in both splits");
        inputs.put("data", s.data().toAbsolutePath().normalize().toString());
        inputs.put("data-manifest-sha256", AtomicFiles.sha256(manifest));
        inputs.put("data-wav-bytes", Long.toString(bytes));
        ran.add("data");
        String written = writtenHarmful + writtenBenign == 0 ? ""
                : String.format(Locale.ROOT, " (and %d + %d written questions, %s)", writtenHarmful, writtenBenign,
                s.condition().hasAudio() ? "unused: only the text-only condition trains on them" : "trained on in text-only");
        out.printf(Locale.ROOT, "        %s: train %d harmful + %d benign utterances%s, test %d + %d utterances%n", display(s.data()), n[0], n[1], written, n[2], n[3]);
        return data;
    }

    private Void checkModel(Map<String, String> inputs) throws Exception {
        Path m = s.model();
        for (String f : List.of("config.json", "tokenizer.json"))
            if (!Files.isRegularFile(m.resolve(f)))
                throw new DemoException(ExitCodes.FAILED, "no base model in " + display(m) + " (" + f + " is missing): build it with './rrs pretrain' "
                        + "(about an hour on 2 cores; docs/pretrain.md), or pass --model DIR");
        List<Path> weights;
        try (Stream<Path> list = Files.list(m)) {
            weights = list.filter(p -> p.getFileName().toString().startsWith("model") && p.getFileName().toString().contains(".safetensors")).sorted().toList();
        }
        if (weights.isEmpty())
            throw new DemoException(ExitCodes.FAILED, "no base model in " + display(m) + " (model.safetensors is missing): build it with './rrs pretrain' "
                    + "(about an hour on 2 cores; docs/pretrain.md), or pass --model DIR");
        inputs.put("model", m.toAbsolutePath().normalize().toString());
        for (Path p : List.of(m.resolve("config.json"), m.resolve("tokenizer.json"))) inputs.put("model-" + p.getFileName() + "-sha256", AtomicFiles.sha256(p));
        long bytes = 0;
        for (Path w : weights) {
            inputs.put("model-" + w.getFileName() + "-sha256", AtomicFiles.sha256(w));
            bytes += Files.size(w);
        }
        JsonNode text = new ObjectMapper().readTree(m.resolve("config.json").toFile()).path("text_config");
        ran.add("base model");
        out.printf(Locale.ROOT, "        %s: %.1f MB of weights, decoder %d layers x %d wide%n", display(m), bytes / 1e6,
                text.path("num_hidden_layers").asInt(), text.path("hidden_size").asInt());
        return null;
    }

    private Outcome prepare() throws Exception {
        PreparedRun p;
        if (Files.exists(s.runDir().resolve(PreparedRun.DIR))) {
            p = PreparedRun.load(s.runDir()); // the interrupted run got as far as the atomic rename
        } else {
            try (ConsoleProgress bar = new ConsoleProgress("prepare", "queries", s.progress())) {
                p = ReshapePrepare.run(s.prepareConfig(), bar);
            }
        }
        ClassSeparation separation = ClassSeparation.fromJson(p.statistics().path("class_separation"));
        // RRS can only reshape what the base model tells apart: say so where the demo's table would otherwise stay flat unexplained
        return new Outcome(String.format(Locale.ROOT, "%d harmful + %d benign training queries; the mask keeps %d of %d features; "
                        + "harmful vs benign %.0f %% separated at the last prompt token (%s; 50 %% = indistinguishable)%s",
                p.manifest().path("harmful_rows").asLong(), p.manifest().path("benign_rows").asLong(),
                p.statistics().path("kept_features").asLong(), p.manifest().path("hidden_size").asLong(), 100 * separation.judged(),
                Double.isNaN(separation.heldOut()) ? "in-sample" : "held-out questions", separation.weak()
                        ? "; below " + Math.round(100 * ClassSeparation.WARN_BELOW) + " %, so RRS has little to reshape (docs/reshape.md)" : ""), List.of());
    }

    private String trainProblem() throws Exception {
        Path latest = Checkpoint.latest(s.runDir());
        if (latest == null) return "no checkpoint";
        Checkpoint.State st = Checkpoint.load(latest).state();
        return st.epoch() >= s.epochs() && st.nextBatch() == 0 ? null : "stopped in epoch " + (st.epoch() + 1);
    }

    private Outcome train() throws Exception {
        Path latest = Checkpoint.latest(s.runDir()); // an interrupted run continues exactly from its last checkpoint
        ReshapeTrainer.Result r;
        try (ConsoleProgress bar = new ConsoleProgress("train", "batches", s.progress())) {
            r = ReshapeTrainer.train(s.trainConfig(), latest, bar, (steps, loss) -> {});
        }
        List<Checkpoint.StepLoss> losses = r.state().losses();
        return new Outcome(String.format(Locale.ROOT, "%d epochs, %d optimiser steps%s; loss %.5f -> %.5f; %s",
                r.state().epoch(), r.state().optimizerSteps(), latest == null ? "" : " (resumed from " + latest.getFileName() + ")",
                losses.get(0).loss(), losses.get(losses.size() - 1).loss(), display(r.lastCheckpoint())), List.of());
    }

    private Outcome evaluate() throws Exception {
        EvalSettings es = new EvalSettings(s.model(), s.runDir(), java.util.Map.of(), s.data(), s.tokenizer(), EvalSettings.ALL_CONDITIONS, s.evalLimit(), s.maxNewTokens(),
                s.evalBatchSize(), s.evalDir(), RefusalJudge.defaults(), null, 0, s.progress(), false, s.condition()); // the PCA shows the prepared condition
        EvalReport report = new EvalRun(es, System.err).run();
        List<String> files = new ArrayList<>();
        for (String f : List.of("report.json", "report.md", "loss.png", "pca.png", "responses-base.jsonl", "responses-aligned.jsonl"))
            if (Files.isRegularFile(s.evalDir().resolve(f))) files.add("eval/" + f);
        JsonNode mean = report.toJson().path("mean_over_conditions");
        return new Outcome(String.format(Locale.ROOT, "mean over the 3 conditions: DSR %s -> %s, ORR %s -> %s; %s",
                DemoSummary.pct(mean.path("base").path("dsr")), DemoSummary.pct(mean.path("aligned").path("dsr")),
                DemoSummary.pct(mean.path("base").path("orr")), DemoSummary.pct(mean.path("aligned").path("orr")),
                display(s.evalDir().resolve("report.md"))), files);
    }

    private Outcome export() throws Exception {
        ExportOptions o = ExportOptions.of(s.model(), s.guardDir()).withLora(s.runDir());
        o = new ExportOptions(o.checkpoint(), o.lora(), o.outDir(), o.externalDataBytes(), o.tolerance(), null, null, null, s.threads(), o.precision(), o.parityCompute());
        Exporter.Result r;
        try {
            r = Exporter.export(o);
        } catch (Exporter.ParityException e) {
            throw new DemoException(ExitCodes.FAILED, e.getMessage().lines().findFirst().orElse("parity check failed"));
        }
        GuardManifest manifest = GuardManifest.read(r.outDir());
        return new Outcome(String.format(Locale.ROOT, "parity |ONNX Runtime - libtorch| <= %.1e (tolerance %.0e); threshold %.3f (%s); %s",
                r.parityMaxAbsDiff(), o.tolerance(), manifest.threshold(), manifest.calibrated() ? "calibrated" : "default",
                display(s.guardDir())), List.of("guard/" + GuardManifest.FILE));
    }

    private Outcome screen(SpokenDataset data, List<Manifest.Entry> test) throws Exception {
        ObjectNode m = DemoScreening.run(s.guardDir(), DemoScreening.items(data, test), s.maxNewTokens(), s.threads(), s.progress(), s.screenDir());
        StringBuilder sb = new StringBuilder(m.path("queries").asInt() + " queries screened; screen = respond");
        for (JsonNode c : m.path("conditions")) sb.append(String.format(Locale.ROOT, ", %s %s", c.path("condition").asText(), DemoSummary.pct(c.path("agreement").path("rate"))));
        return new Outcome(sb.toString(), List.of("screen/" + DemoScreening.MANIFEST));
    }

    /** Runs a check stage (data, model), printing its name and time. */
    private <T> T timed(int index, String name, Body0<T> body) throws DemoException {
        out.printf(Locale.ROOT, "[%d/%d] %s%n", index, STAGES, name);
        out.flush();
        long t0 = System.nanoTime();
        try {
            T v = body.run();
            out.printf(Locale.ROOT, "        done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            out.flush();
            return v;
        } catch (DemoException e) {
            throw e;
        } catch (Exception e) {
            throw new DemoException(ExitCodes.FAILED, name + ": " + message(e), e);
        }
    }

    private interface Body0<T> {
        T run() throws Exception;
    }

    private void stage(int index, String name, Map<String, String> inputs, Check complete, Body body) throws DemoException {
        out.printf(Locale.ROOT, "[%d/%d] %s%n", index, STAGES, name);
        out.flush();
        try {
            DemoState.Stage rec = state.get(name);
            if (rec != null) {
                String diff = DemoState.difference(rec.inputs(), inputs);
                if (diff != null)
                    throw new DemoException(ExitCodes.FAILED, "stage " + name + " in " + display(s.work()) + " was made with other inputs (" + diff
                            + "); use another --work DIR, or --restart to redo the demo there");
                if (rec.done()) {
                    String problem = problemOf(complete);
                    if (problem == null) {
                        skipped.add(name);
                        out.printf(Locale.ROOT, "        %s%n        complete (%.1f s when it ran): skipped%n", rec.summary(), rec.seconds());
                        out.flush();
                        return;
                    }
                    out.printf("        its outputs are not intact (%s): running it again%n", problem);
                }
            }
            state.started(name, inputs);
            long t0 = System.nanoTime();
            Outcome o = body.run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            state.done(name, inputs, seconds, o.summary(), o.files());
            ran.add(name);
            out.printf(Locale.ROOT, "        %s%n        done in %.1f s%n", o.summary(), seconds);
            out.flush();
        } catch (DemoException e) {
            throw e;
        } catch (io.rrs.training.NonFiniteLossException e) {
            throw new DemoException(ExitCodes.DIVERGED, name + ": " + message(e) + " (lower --lr; --restart starts the demo again)", e);
        } catch (io.rrs.training.CorruptRunException e) {
            throw new DemoException(ExitCodes.CORRUPT, name + ": " + message(e) + " (--restart redoes the demo in " + display(s.work()) + ")", e);
        } catch (Exception e) {
            throw new DemoException(ExitCodes.FAILED, name + ": " + message(e) + " (run ./rrs demo again to resume)", e);
        }
    }

    private static String problemOf(Check c) {
        try {
            return c.problem();
        } catch (Exception e) {
            return message(e);
        }
    }

    static String message(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    /** A path relative to the repository root when it lies inside it, else absolute. */
    String display(Path p) {
        Path a = p.toAbsolutePath().normalize();
        return a.startsWith(root) && !a.equals(root) ? root.relativize(a).toString() : a.toString();
    }
}
