package io.rrs.export;

import ai.onnxruntime.OrtException;
import io.rrs.io.Npy;
import io.rrs.model.LinearOp;
import io.rrs.model.ProjectionAdapter;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.model.Weights;
import io.rrs.text.ChatTemplate;
import io.rrs.text.SpecialTokens;
import io.rrs.text.TextTokenizer;
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
    public record Result(Path outDir, List<Path> files, ParityCheck.Report parity, Path manifest) {}

    /** Thrown when the exported graphs disagree with the libtorch model beyond the tolerance. */
    public static final class ParityException extends Exception {
        ParityException(String message) {
            super(message);
        }
    }

    private Exporter() {}

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
            List<LoraMerge.Adapter> adapters = loadAdapters(o.lora());
            Weights merged = LoraMerge.merge(base.weights(), adapters);
            // the reference: the trainer's forward, adapters applied through the projection seam
            if (!adapters.isEmpty()) base.adaptDecoderProjections(applying(adapters));

            List<Path> files = new ArrayList<>();
            String version = Exporter.class.getPackage().getImplementationVersion() == null ? "dev" : Exporter.class.getPackage().getImplementationVersion();
            files.addAll(OnnxModelWriter.write(DecoderGraph.embedTokens(config, merged), o.outDir(), EMBED_FILE, o.externalDataBytes(), version));
            files.addAll(OnnxModelWriter.write(EncoderGraph.build(config, merged), o.outDir(), ENCODER_FILE, o.externalDataBytes(), version));
            files.addAll(OnnxModelWriter.write(DecoderGraph.build(config, merged), o.outDir(), DECODER_FILE, o.externalDataBytes(), version));
            for (String copied : List.of(TOKENIZER_FILE, CONFIG_FILE)) {
                Path to = o.outDir().resolve(copied);
                Files.copy(ckpt.resolve(copied), to, StandardCopyOption.REPLACE_EXISTING);
                files.add(to);
            }

            ParityCheck.Report report;
            Qwen2AudioConfig.TextConfig t = config.text();
            try (OnnxPipeline onnx = new OnnxPipeline(o.outDir().resolve(EMBED_FILE), o.outDir().resolve(ENCODER_FILE), o.outDir().resolve(DECODER_FILE),
                    t.numHiddenLayers(), t.numKeyValueHeads(), t.headDim(), t.hiddenSize(), o.threads())) {
                report = new ParityCheck(base, template, onnx).run();
            } catch (OrtException e) {
                throw new IOException("ONNX Runtime could not run the exported graphs in " + o.outDir() + ": " + e.getMessage(), e);
            }
            if (!(report.maxDiff() <= o.tolerance())) {
                ParityCheck.Row w = report.worst();
                throw new ParityException(String.format("parity check failed: ONNX Runtime differs from the libtorch forward pass by %.3e (> %.1e) "
                        + "in %s, %s; no guard.json was written.%n%s", w.max(), o.tolerance(), w.condition(), w.pass(), report.table()));
            }

            float[] deltaM = o.deltaM() == null ? null : readDeltaM(o.deltaM(), t.hiddenSize());
            ThresholdCalibration.Result calibration = o.calibrationHarmful() == null ? null
                    : calibrate(merged, o.calibrationHarmful(), o.calibrationBenign(), tokenizer.refusalTokenId(), t.hiddenSize());
            double threshold = calibration == null ? ThresholdCalibration.DEFAULT_THRESHOLD : calibration.threshold();
            String thresholdSource = calibration == null
                    ? "default " + ThresholdCalibration.DEFAULT_THRESHOLD + ": no training representations were given (--calibrate-harmful/--calibrate-benign)"
                    : "calibrated on " + o.calibrationHarmful().getFileName() + " and " + o.calibrationBenign().getFileName();
            Path manifest = GuardManifest.write(o.outDir(), new GuardManifest.Contents(config, template, files, deltaM,
                    o.deltaM() == null ? null : o.deltaM().getFileName().toString(), threshold, thresholdSource, calibration, report,
                    o.tolerance(), o.lora() == null ? null : o.lora().toString()));
            return new Result(o.outDir(), files, report, manifest);
        }
    }

    /**
     * The seam for "base + LoRA checkpoint": adapters to merge, read from {@code loraDir} (PEFT
     * layout, {@link PeftAdapters}); none when null.
     */
    static List<LoraMerge.Adapter> loadAdapters(Path loraDir) throws IOException {
        return loraDir == null ? List.of() : PeftAdapters.read(loraDir);
    }

    /** The LoRA forward, base(x) + scale * (x A^T) B^T, for each adapted projection; others unchanged. */
    static ProjectionAdapter applying(List<LoraMerge.Adapter> adapters) {
        Map<String, LoraMerge.Adapter> byName = new HashMap<>();
        for (LoraMerge.Adapter a : adapters) byName.put(a.projection(), a);
        return (name, baseOp) -> {
            LoraMerge.Adapter a = byName.get(name);
            if (a == null) return baseOp;
            LinearOp op = x -> baseOp.forward(x).add(x.matmul(a.a().t()).matmul(a.b().t()).mul(Tensors.scalar(a.scale())));
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
        Npy.Array a = Npy.read(file);
        if (a.data().length != hidden)
            throw new IOException(file + ": delta_m has " + a.data().length + " values, the model's hidden size is " + hidden + "; use the delta_m of this model's reshape run");
        return a.toFloatArray();
    }

    /** Scores the training representations through the (merged) LM head and picks the threshold. */
    private static ThresholdCalibration.Result calibrate(Weights w, Path harmful, Path benign, int refusalToken, int hidden) throws IOException {
        Tensor lmHead = w.get(Qwen2AudioLayout.LM_HEAD);
        return ThresholdCalibration.calibrate(scores(lmHead, harmful, refusalToken, hidden), scores(lmHead, benign, refusalToken, hidden));
    }

    private static double[] scores(Tensor lmHead, Path file, int token, int hidden) throws IOException {
        Npy.Array a = Npy.read(file);
        if (a.shape().length != 2 || a.shape()[1] != hidden)
            throw new IOException(file + ": representations must be [N, " + hidden + "] (h(x) after the final norm), got " + java.util.Arrays.toString(a.shape()));
        float[] logits = Tensors.toFloats(Tensors.floats(a.toFloatArray(), a.shape()[0], hidden).matmul(lmHead.t()));
        int vocab = (int) lmHead.size(0);
        float[][] rows = new float[a.shape()[0]][];
        for (int r = 0; r < rows.length; r++) rows[r] = java.util.Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
        return ThresholdCalibration.tokenProbabilities(rows, token);
    }
}
