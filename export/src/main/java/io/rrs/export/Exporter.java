package io.rrs.export;

import ai.onnxruntime.OrtException;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.guard.GuardManifest;
import io.rrs.io.Npy;
import io.rrs.model.LinearOp;
import io.rrs.model.OpenedModel;
import io.rrs.query.QueryEncoder;
import io.rrs.model.ProjectionAdapter;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Compute;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.text.ChatTemplate;
import io.rrs.text.SpecialTokens;
import io.rrs.text.TextTokenizer;
import io.rrs.aligned.AlignedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Scope: one export, start to end: load the checkpoint (and LoRA adapters, merged into the base
 * weights), write the three ONNX graphs (token embeddings, audio encoder, decoder with KV cache),
 * copy tokenizer and config, check ONNX Runtime against the libtorch forward pass (with the
 * adapters applied the trainer's way, so the merge is checked too), then write {@code guard.json}.
 *
 * <p>The token embedding table is its own graph ({@code embed_tokens.onnx}, a Gather) rather than a
 * raw file: the runtime embeds text with ONNX Runtime like everything else, and the decoder graph
 * takes embeddings so that audio rows can be spliced in between.
 */
public final class Exporter {
    public static final String EMBED_FILE = "embed_tokens.onnx";
    public static final String ENCODER_FILE = "encoder.onnx";
    public static final String DECODER_FILE = "decoder.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "config.json";

    /** What an export produced. */
    public record Result(Path outDir, List<Path> files, ParityCheck.Report parity, Path manifest) {
        /** The largest difference between ONNX Runtime and libtorch that the parity check found. */
        public double parityMaxAbsDiff() {
            return parity.maxDiff();
        }
    }

    /** Thrown when the exported graphs disagree with the libtorch model beyond the tolerance. */
    public static final class ParityException extends Exception {
        ParityException(String message) {
            super(message);
        }
    }

    private Exporter() {}

    /**
     * The parity check's libtorch forward: {@code base} (already adapted) on the CPU in float32, else the checkpoint loaded
     * on {@code compute} with the same adapters. The graphs are always written from the CPU model.
     */
    private static Qwen2AudioModel reference(Qwen2AudioModel base, Path ckpt, AlignedRun run, List<LoraMerge.Adapter> adapters, Compute compute)
            throws IOException {
        if (compute.equals(Compute.CPU)) return base;
        Qwen2AudioModel model = Qwen2AudioModel.load(ckpt, compute);
        if (run != null) run.applyTo(model);
        else if (!adapters.isEmpty()) model.adaptDecoderProjections(applying(adapters));
        return model;
    }

    public static Result export(ExportOptions o) throws IOException, ParityException {
        Path ckpt = o.checkpoint();
        for (String needed : List.of(CONFIG_FILE, TOKENIZER_FILE))
            if (!Files.isRegularFile(ckpt.resolve(needed)))
                throw new IOException("checkpoint " + ckpt + " has no " + needed + "; a model directory holds config.json, model.safetensors and tokenizer.json");
        Files.createDirectories(o.outDir());
        Files.deleteIfExists(o.outDir().resolve(GuardManifest.FILE)); // no stale manifest may outlive a failed export
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
             TextTokenizer tokenizer = TextTokenizer.open(ckpt.resolve(TOKENIZER_FILE))) {
            Qwen2AudioModel base = Qwen2AudioModel.load(ckpt);
            Qwen2AudioConfig config = base.config();
            ChatTemplate template = checkTokenizer(new ChatTemplate(tokenizer), config, ckpt);
            QueryEncoder queries = OpenedModel.queryEncoder(ckpt, config, template);
            // --lora: a reshape run (or one of its checkpoints), read and hash-verified by the trainer's code, or a PEFT directory
            AlignedRun run = AlignedRun.looksLikeRun(o.lora()) ? AlignedRun.open(o.lora()) : null;
            if (run != null) run.checkBase(ckpt);
            List<LoraMerge.Adapter> adapters = run != null ? adaptersOf(run) : loadAdapters(o.lora());
            LoraMerge.Merged merged = LoraMerge.lazily(base.weights(), adapters); // folded in tensor by tensor while the graphs are written
            // the reference: the trainer's forward, adapters applied through the projection seam (for a run, its own LoraAdapters)
            if (run != null) run.applyTo(base);
            else if (!adapters.isEmpty()) base.adaptDecoderProjections(applying(adapters));

            List<Path> files = new ArrayList<>();
            String version = Exporter.class.getPackage().getImplementationVersion() == null ? "dev" : Exporter.class.getPackage().getImplementationVersion();
            ExportPrecision precision = o.precision();
            files.addAll(OnnxModelWriter.write(DecoderGraph.embedTokens(config, merged, precision), o.outDir(), EMBED_FILE, o.externalDataBytes(), version));
            files.addAll(OnnxModelWriter.write(EncoderGraph.build(config, merged, precision), o.outDir(), ENCODER_FILE, o.externalDataBytes(), version));
            files.addAll(OnnxModelWriter.write(DecoderGraph.build(config, merged, precision), o.outDir(), DECODER_FILE, o.externalDataBytes(), version));
            for (String copied : List.of(TOKENIZER_FILE, CONFIG_FILE)) {
                Path to = o.outDir().resolve(copied);
                Files.copy(ckpt.resolve(copied), to, StandardCopyOption.REPLACE_EXISTING);
                files.add(to);
            }
            files.add(PreprocessorConfig.write(o.outDir(), queries.frontEnd())); // the folder's front-end (or its default), as the guard will read it

            ParityCheck.Report report;
            Qwen2AudioConfig.TextConfig t = config.text();
            try (OnnxPipeline onnx = new OnnxPipeline(o.outDir().resolve(EMBED_FILE), o.outDir().resolve(ENCODER_FILE), o.outDir().resolve(DECODER_FILE),
                    t.numHiddenLayers(), t.numKeyValueHeads(), t.headDim(), t.hiddenSize(), o.threads())) {
                report = new ParityCheck(reference(base, ckpt, run, adapters, o.parityCompute()), queries, onnx).run();
            } catch (OrtException e) {
                throw new IOException("ONNX Runtime could not run the exported graphs in " + o.outDir() + ": " + e.getMessage(), e);
            }
            if (!(report.maxDiff() <= o.tolerance())) {
                ParityCheck.Row w = report.worst();
                throw new ParityException(String.format("parity check failed: ONNX Runtime (%s weights) differs from the libtorch forward pass by %.3e (> %.1e) "
                        + "in %s, %s; no guard.json was written.%n%s", precision.label(), w.max(), o.tolerance(), w.condition(), w.pass(), report.table()));
            }

            // explicit files win; a reshape run with a prepare output supplies both by default
            boolean runHasPrepare = run != null && run.prepared() != null;
            float[] deltaM = o.deltaM() != null ? readDeltaM(o.deltaM(), t.hiddenSize())
                    : runHasPrepare ? checkDeltaM(run.deltaM(), run.prepared().dir(), t.hiddenSize()) : null;
            String deltaMSource = o.deltaM() != null ? o.deltaM().getFileName().toString()
                    : runHasPrepare ? "reshape run " + run.runDir() + " (prepare/" + io.rrs.reshape.PreparedRun.REPRESENTATIONS + ": delta_masked)" : null;
            ThresholdCalibration.Result calibration = null;
            String thresholdSource = "default " + ThresholdCalibration.DEFAULT_THRESHOLD
                    + ": no training representations were given (--calibrate-harmful/--calibrate-benign, or a reshape run as --lora)";
            Tensor lmHead = merged.get(Qwen2AudioLayout.LM_HEAD).to(ScalarType.Float); // scored in float32 whatever the checkpoint's dtype
            if (o.calibrationHarmful() != null) {
                calibration = ThresholdCalibration.calibrate(scores(lmHead, readRepresentations(o.calibrationHarmful(), t.hiddenSize()), tokenizer.refusalTokenId()),
                        scores(lmHead, readRepresentations(o.calibrationBenign(), t.hiddenSize()), tokenizer.refusalTokenId()));
                thresholdSource = "calibrated on " + o.calibrationHarmful().getFileName() + " and " + o.calibrationBenign().getFileName();
            } else if (runHasPrepare) {
                calibration = ThresholdCalibration.calibrate(scores(lmHead, run.calibrationTargets(true), tokenizer.refusalTokenId()),
                        scores(lmHead, run.calibrationTargets(false), tokenizer.refusalTokenId()));
                thresholdSource = "calibrated on the training targets of reshape run " + run.runDir() + " (harmful h0 + delta_m, benign h0 - delta_m: "
                        + "where training drives the aligned model's h(x))";
            }
            double threshold = calibration == null ? ThresholdCalibration.DEFAULT_THRESHOLD : calibration.threshold();
            GuardManifest.Threshold chosen = new GuardManifest.Threshold(threshold, thresholdSource, calibration == null ? null
                    : new GuardManifest.Calibration(calibration.balancedAccuracy(), calibration.harmful(), calibration.benign()));
            Path manifest = GuardManifest.write(o.outDir(), manifestContents(config, template, files, deltaM, deltaMSource, chosen, report,
                    precision, o.tolerance(), run != null ? run.checkpointDir() + " (" + run.describe() + ")" : o.lora() == null ? null : o.lora().toString()));
            return new Result(o.outDir(), files, report, manifest);
        }
    }

    /** guard.json's contents as the runtime's plain values: the graphs' names, the model's sizes, the parity rows. */
    private static GuardManifest.Contents manifestContents(Qwen2AudioConfig config, ChatTemplate template, List<Path> files, float[] deltaM,
                                                           String deltaMSource, GuardManifest.Threshold threshold, ParityCheck.Report report,
                                                           ExportPrecision precision, double tolerance, String loraSource) {
        GuardManifest.Graphs graphs = new GuardManifest.Graphs(OnnxModelWriter.OPSET, OnnxModelWriter.IR_VERSION, precision.label(),
                new GuardManifest.Graph(EMBED_FILE, List.of("input_ids"), List.of(DecoderGraph.EMBEDS)),
                new GuardManifest.Graph(ENCODER_FILE, List.of(EncoderGraph.FEATURES, EncoderGraph.FRAME_COUNTS), List.of(EncoderGraph.EMBEDS, EncoderGraph.COUNTS)),
                new GuardManifest.Graph(DECODER_FILE,
                        List.of(DecoderGraph.EMBEDS, DecoderGraph.MASK, DecoderGraph.POSITIONS, "past_key_values.{layer}.key", "past_key_values.{layer}.value"),
                        List.of(DecoderGraph.LOGITS, DecoderGraph.HIDDEN, "present.{layer}.key", "present.{layer}.value")));
        Qwen2AudioConfig.TextConfig t = config.text();
        GuardManifest.ModelShape shape = new GuardManifest.ModelShape(CONFIG_FILE, t.vocabSize(), t.hiddenSize(), t.numHiddenLayers(),
                t.numKeyValueHeads(), t.headDim(), t.maxPositionEmbeddings(), config.audioTokenIndex(), config.audio().maxFrames(),
                config.audio().numMelBins());
        List<GuardManifest.ParityRow> rows = new ArrayList<>();
        for (ParityCheck.Row r : report.rows())
            rows.add(new GuardManifest.ParityRow(r.condition().name().toLowerCase().replace('_', '-'), r.pass(), r.logitsDiff(), r.hiddenDiff()));
        return new GuardManifest.Contents(loraSource, graphs, shape, TOKENIZER_FILE, PreprocessorConfig.FILE, template, deltaM, deltaMSource, threshold,
                new GuardManifest.Parity(tolerance, report.maxDiff(), rows), files);
    }

    /**
     * Adapters to merge from a PEFT-layout {@code loraDir} ({@link PeftAdapters}); none when null. A
     * reshape run as {@code --lora} goes through {@link AlignedRun} instead ({@link #adaptersOf}).
     */
    static List<LoraMerge.Adapter> loadAdapters(Path loraDir) throws IOException {
        return loraDir == null ? List.of() : PeftAdapters.read(loraDir);
    }

    /** A reshape run's trained factors as merge input (names and scale as the trainer applies them). */
    static List<LoraMerge.Adapter> adaptersOf(AlignedRun run) throws IOException {
        List<LoraMerge.Adapter> out = new ArrayList<>();
        for (AlignedRun.ProjectionFactors f : run.factors()) out.add(new LoraMerge.Adapter(f.projection(), f.a(), f.b(), f.scale()));
        return out;
    }

    /** The LoRA forward, base(x) + scale * (x A^T) B^T, for each adapted projection; others unchanged. */
    static ProjectionAdapter applying(List<LoraMerge.Adapter> adapters) {
        Map<String, LoraMerge.Adapter> byName = new HashMap<>();
        for (LoraMerge.Adapter a : adapters) byName.put(a.projection(), a);
        return (name, baseOp) -> {
            LoraMerge.Adapter a = byName.get(name);
            if (a == null) return baseOp;
            // the adapter path in float32 on the activations' device, then in their type (as io.rrs.training.LoraAdapters does)
            Tensor factorA = a.a().to(org.bytedeco.pytorch.global.torch.ScalarType.Float), factorB = a.b().to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            LinearOp op = x -> {
                Tensor delta = x.to(org.bytedeco.pytorch.global.torch.ScalarType.Float).matmul(Tensors.onDeviceOf(factorA, x).t())
                        .matmul(Tensors.onDeviceOf(factorB, x).t()).mul(Tensors.scalar(a.scale()));
                return baseOp.forward(x).add(Tensors.typed(delta, x));
            };
            return op;
        };
    }

    private static ChatTemplate checkTokenizer(ChatTemplate template, Qwen2AudioConfig config, Path ckpt) {
        if (template.audioTokenId() != config.audioTokenIndex())
            throw new IllegalArgumentException(ckpt.resolve(TOKENIZER_FILE) + " has " + SpecialTokens.AUDIO + " = " + template.audioTokenId()
                    + " but config.json says audio_token_index = " + config.audioTokenIndex() + "; tokenizer and model must come from the same checkpoint");
        if (template.tokenizer().vocabSize() > config.text().vocabSize())
            throw new IllegalArgumentException(ckpt.resolve(TOKENIZER_FILE) + " has " + template.tokenizer().vocabSize() + " ids, more than text_config.vocab_size = "
                    + config.text().vocabSize());
        return template;
    }

    private static float[] readDeltaM(Path file, int hidden) throws IOException {
        return checkDeltaM(Npy.read(file).toFloatArray(), file, hidden);
    }

    private static float[] checkDeltaM(float[] values, Path from, int hidden) throws IOException {
        if (values.length != hidden)
            throw new IOException(from + ": delta_m has " + values.length + " values, the model's hidden size is " + hidden + "; use the delta_m of this model's reshape run");
        return values;
    }

    private static Tensor readRepresentations(Path file, int hidden) throws IOException {
        Npy.Array a = Npy.read(file);
        if (a.shape().length != 2 || a.shape()[1] != hidden)
            throw new IOException(file + ": representations must be [N, " + hidden + "] (h(x) after the final norm), got " + java.util.Arrays.toString(a.shape()));
        return Tensors.floats(a.toFloatArray(), a.shape()[0], hidden);
    }

    /** softmax(lm_head h)[token] of each row of {@code representations} [N, hidden]: the guard's score. */
    private static double[] scores(Tensor lmHead, Tensor representations, int token) {
        float[] logits = Tensors.toFloats(representations.matmul(lmHead.t()).contiguous());
        int vocab = (int) lmHead.size(0), n = (int) representations.size(0);
        float[][] rows = new float[n][];
        for (int r = 0; r < n; r++) rows[r] = java.util.Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
        return ThresholdCalibration.tokenProbabilities(rows, token);
    }
}
