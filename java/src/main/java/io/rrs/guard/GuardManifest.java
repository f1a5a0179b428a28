package io.rrs.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.frontend.WhisperOptions;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.text.SpecialTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: {@code guard.json}, the manifest beside the exported graphs (docs/export.md), written and read
 * here only. {@link #write} (called by rrs-export, last and only after its parity check passed, so a
 * failed export never leaves a usable manifest) records every file beside it with its size and SHA-256,
 * the graphs and their input/output names, the model sizes, the front-end settings, tokenizer and chat
 * template, refusal token, {@code delta_m} (null until a reshape run supplies it), the decision threshold
 * (calibrated or the default) and the parity figures. {@link #read} checks the format tag, every listed
 * file, and the settings the guard needs, failing with a {@link GuardException} that names the file and
 * what is wrong; nothing here loads a graph.
 */
public record GuardManifest(Path dir, String embedFile, String encoderFile, String decoderFile, String tokenizerFile,
                            int vocabSize, int hiddenSize, int layers, int kvHeads, int headDim, int maxPositions,
                            WhisperOptions frontEnd, int audioTokenId, int padTokenId, int stopTokenId, int refusalTokenId,
                            String system, String audioTextInstruction, float[] deltaM, double threshold, boolean calibrated,
                            String weightsPrecision, List<FileEntry> files) {
    public static final String FILE = "guard.json";
    /** /3: the decoder's {@code logits} are the last position's only ([batch, 1, vocab]); {@code graphs.precision} names the weights' type. */
    public static final String FORMAT = "rrs-guard/3";
    /** The weight precisions an export writes ({@code graphs.precision}); the graphs' inputs and outputs are float32 for all. */
    public static final List<String> PRECISIONS = List.of("fp32", "fp16", "bf16");
    /** The score the threshold applies to: softmax(logits)[refusal token] at the last prompt position. */
    public static final String SCORE = "refusal_token_probability";

    /** One file beside the manifest, as listed: relative path, size, lower-case hex SHA-256. */
    public record FileEntry(String path, long bytes, String sha256) {}

    /** What the exporter knows when it writes the manifest; {@code files} are absolute paths inside the export folder. */
    public record Contents(String loraSource, Graphs graphs, ModelShape model, String tokenizerFile, String preprocessorFile, ChatTemplate template,
                           float[] deltaM, String deltaMSource, Threshold threshold, Parity parity, List<Path> files) {}

    /** The ONNX version numbers, the precision the weights are stored in (one of {@link #PRECISIONS}), and the three graphs. */
    public record Graphs(long opset, long irVersion, String precision, Graph embedTokens, Graph encoder, Graph decoder) {}

    /** One graph file and its input and output names ({@code {layer}} stands for each layer's cache entries). */
    public record Graph(String file, List<String> inputs, List<String> outputs) {}

    /** The model sizes the guard allocates for, from the checkpoint's config file. */
    public record ModelShape(String configFile, int vocabSize, int hiddenSize, int layers, int kvHeads, int headDim, int maxPositions,
                             long audioTokenIndex, int maxAudioFrames, int numMelBins) {}

    /** The decision threshold on {@link #SCORE}; {@code calibration} null for the default. */
    public record Threshold(double value, String source, Calibration calibration) {}

    /** How a calibrated threshold was chosen: its balanced accuracy on the harmful and benign representations counted. */
    public record Calibration(double balancedAccuracy, int harmful, int benign) {}

    /** The export's parity check: the tolerance, the largest difference, and each comparison. */
    public record Parity(double tolerance, double maxAbsDiff, List<ParityRow> checks) {}

    /** One parity comparison: the input condition ("audio-text"), the pass, the largest logits and hidden-state differences. */
    public record ParityRow(String condition, String pass, double logits, double lastHiddenState) {}

    public GuardManifest {
        files = List.copyOf(files);
        if (threshold < 0 || threshold > 1 || Double.isNaN(threshold))
            throw new GuardException(dir.resolve(FILE) + ": threshold " + threshold + " is not a probability in [0, 1]; re-export the model");
        if (deltaM != null && deltaM.length != hiddenSize)
            throw new GuardException(dir.resolve(FILE) + ": delta_m has " + deltaM.length + " values but hidden_size is " + hiddenSize + "; re-export with the matching delta_m.npy");
    }

    /** Reads {@code dir/guard.json} and checks every listed file's size and SHA-256. */
    public static GuardManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isDirectory(dir)) throw new GuardException("model directory " + dir + " does not exist; pass the --out directory of `rrs export`");
        if (!Files.isRegularFile(file))
            throw new GuardException("missing file: " + file + " (the manifest `rrs export` writes last, only when parity held); re-run the export");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new GuardException(file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + "); re-run the export", e);
        }
        FormatTag.check(file, root, FORMAT, "re-run `rrs export` with this rrs version", GuardException::new);
        Reader r = new Reader(file, root);

        List<FileEntry> files = new ArrayList<>();
        for (JsonNode f : r.node(root, "files")) files.add(new FileEntry(r.text(f, "path"), r.integer(f, "bytes"), r.text(f, "sha256")));
        verify(dir, files);

        JsonNode graphs = r.node(root, "graphs"), model = r.node(root, "model"), fe = r.node(root, "frontend");
        JsonNode tok = r.node(root, "tokenizer"), chat = r.node(root, "chat_template");
        String embed = listed(file, files, r.text(r.node(graphs, "embed_tokens"), "file"));
        String encoder = listed(file, files, r.text(r.node(graphs, "encoder"), "file"));
        String decoder = listed(file, files, r.text(r.node(graphs, "decoder"), "file"));
        String tokenizer = listed(file, files, r.text(tok, "file"));
        String precision = r.text(graphs, "precision");
        if (!PRECISIONS.contains(precision))
            throw new GuardException(file + ": graphs.precision \"" + precision + "\" is none of " + PRECISIONS + "; re-run the export");

        if (!"whisper_log_mel".equals(r.text(fe, "type")))
            throw new GuardException(file + ": front-end type \"" + fe.path("type").asText() + "\" is not whisper_log_mel, the only one this guard computes");
        Path preprocessor = dir.resolve(listed(file, files, r.text(fe, "file")));
        WhisperOptions frontEnd;
        try {
            frontEnd = PreprocessorConfig.read(preprocessor);
        } catch (IOException e) {
            throw new GuardException(e.getMessage() + "; re-run the export", e);
        }
        if (frontEnd.numMels() != r.integer(model, "num_mel_bins"))
            throw new GuardException(preprocessor + ": feature_size " + frontEnd.numMels() + " differs from the model's num_mel_bins "
                    + model.path("num_mel_bins").asLong() + " in " + FILE + "; re-export the model");
        if (frontEnd.chunkFrames() > r.integer(model, "max_audio_frames"))
            throw new GuardException(preprocessor + ": a window of " + frontEnd.chunkFrames() + " frames is longer than the model's max_audio_frames "
                    + model.path("max_audio_frames").asLong() + " in " + FILE + "; re-export the model");

        float[] deltaM = null;
        JsonNode d = root.path("delta_m");
        if (!d.isMissingNode() && !d.isNull()) {
            JsonNode values = r.node(d, "values");
            deltaM = new float[values.size()];
            for (int i = 0; i < deltaM.length; i++) deltaM[i] = (float) values.get(i).asDouble();
        }
        JsonNode th = r.node(root, "threshold");
        if (!SCORE.equals(r.text(th, "score")))
            throw new GuardException(file + ": threshold is for score \"" + th.path("score").asText() + "\"; this guard thresholds " + SCORE);
        return new GuardManifest(dir, embed, encoder, decoder, tokenizer,
                (int) r.integer(model, "vocab_size"), (int) r.integer(model, "hidden_size"), (int) r.integer(model, "num_hidden_layers"),
                (int) r.integer(model, "num_key_value_heads"), (int) r.integer(model, "head_dim"), (int) r.integer(model, "max_position_embeddings"),
                frontEnd, (int) r.integer(tok, "audio_token_id"), (int) r.integer(tok, "pad_token_id"), (int) r.integer(tok, "stop_token_id"),
                (int) r.integer(root, "refusal_token_id"), r.text(chat, "system"), r.text(chat, "audio_text_instruction"), deltaM,
                r.number(th, "value"), th.path("calibrated").asBoolean(false), precision, files);
    }

    /** Writes {@code dir/guard.json} (atomically) from what the exporter knows; returns its path. */
    public static Path write(Path dir, Contents c) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        root.put("producer", "rrs-export");
        root.put("lora", c.loraSource());

        ObjectNode graphs = root.putObject("graphs");
        graphs.put("opset", c.graphs().opset());
        graphs.put("ir_version", c.graphs().irVersion());
        graphs.put("precision", c.graphs().precision());
        putGraph(graphs, "embed_tokens", c.graphs().embedTokens());
        putGraph(graphs, "encoder", c.graphs().encoder());
        putGraph(graphs, "decoder", c.graphs().decoder());

        ModelShape m = c.model();
        ObjectNode model = root.putObject("model");
        model.put("config", m.configFile());
        model.put("vocab_size", m.vocabSize());
        model.put("hidden_size", m.hiddenSize());
        model.put("num_hidden_layers", m.layers());
        model.put("num_key_value_heads", m.kvHeads());
        model.put("head_dim", m.headDim());
        model.put("max_position_embeddings", m.maxPositions());
        model.put("audio_token_index", m.audioTokenIndex());
        model.put("max_audio_frames", m.maxAudioFrames());
        model.put("num_mel_bins", m.numMelBins());

        ObjectNode frontEnd = root.putObject("frontend"); // the settings themselves travel as the model's preprocessor_config.json
        frontEnd.put("type", "whisper_log_mel");
        frontEnd.put("file", c.preprocessorFile());

        ChatTemplate tpl = c.template();
        ObjectNode tok = root.putObject("tokenizer");
        tok.put("file", c.tokenizerFile());
        tok.put("pad_token_id", tpl.padId());
        tok.put("audio_token_id", tpl.audioTokenId());
        tok.put("stop_token_id", tpl.tokenizer().specialTokenId(SpecialTokens.IM_END));
        ObjectNode chat = root.putObject("chat_template");
        chat.put("format", "qwen2-audio-chatml");
        chat.put("system", Prompts.DEFAULT_SYSTEM);
        chat.put("audio_text_instruction", Prompts.AUDIO_TEXT_INSTRUCTION);
        chat.put("refusal_instruction", Prompts.REFUSAL_INSTRUCTION);
        chat.put("audio_placeholder", SpecialTokens.AUDIO + " (repeated once per pooled audio frame)");
        // the three user turns as the template renders them, with one audio placeholder and marked slots
        chat.put("audio_text", tpl.render(new ChatPrompt(InputCondition.AUDIO_TEXT, 1, "{text}", "{system}")));
        chat.put("text_only", tpl.render(new ChatPrompt(InputCondition.TEXT_ONLY, 0, "{text}", "{system}")));
        chat.put("audio_only", tpl.render(new ChatPrompt(InputCondition.AUDIO_ONLY, 1, "", "{system}")));

        root.put("refusal_token", Prompts.REFUSAL_TOKEN);
        root.put("refusal_token_id", tpl.tokenizer().refusalTokenId());
        if (c.deltaM() == null) {
            root.putNull("delta_m");
        } else {
            ObjectNode d = root.putObject("delta_m");
            d.put("source", c.deltaMSource());
            ArrayNode v = d.putArray("values");
            for (float x : c.deltaM()) v.add(x);
        }
        Threshold t = c.threshold();
        ObjectNode th = root.putObject("threshold");
        th.put("score", SCORE);
        th.put("value", t.value());
        th.put("calibrated", t.calibration() != null);
        th.put("source", t.source());
        if (t.calibration() != null) {
            th.put("balanced_accuracy", t.calibration().balancedAccuracy());
            th.put("harmful", t.calibration().harmful());
            th.put("benign", t.calibration().benign());
        }

        ObjectNode parity = root.putObject("parity");
        parity.put("tolerance", c.parity().tolerance());
        parity.put("max_abs_diff", c.parity().maxAbsDiff());
        ArrayNode rows = parity.putArray("checks");
        for (ParityRow r : c.parity().checks())
            rows.addObject().put("condition", r.condition()).put("pass", r.pass()).put("logits", r.logits()).put("last_hidden_state", r.lastHiddenState());

        ArrayNode files = root.putArray("files");
        for (Path p : c.files()) {
            ObjectNode o = files.addObject();
            o.put("path", dir.relativize(p).toString());
            o.put("bytes", Files.size(p));
            o.put("sha256", AtomicFiles.sha256(p));
        }
        Path out = dir.resolve(FILE);
        AtomicFiles.write(out, json.writeValueAsBytes(root));
        return out;
    }

    private static void putGraph(ObjectNode graphs, String name, Graph g) {
        ObjectNode o = graphs.putObject(name);
        o.put("file", g.file());
        g.inputs().forEach(o.putArray("inputs")::add);
        g.outputs().forEach(o.putArray("outputs")::add);
    }

    /** The absolute path of a listed file. */
    public Path path(String relative) {
        return dir.resolve(relative);
    }

    /** Every listed file must exist, have the listed size and SHA-256; the first that does not names itself. */
    static void verify(Path dir, List<FileEntry> files) {
        if (files.isEmpty()) throw new GuardException(dir.resolve(FILE) + " lists no files; re-run the export");
        for (FileEntry f : files) {
            Path p = dir.resolve(f.path()).normalize();
            if (!p.startsWith(dir.normalize())) throw new GuardException(dir.resolve(FILE) + " lists " + f.path() + ", outside the model directory");
            if (!Files.isRegularFile(p))
                throw new GuardException("missing file: " + p + " (listed in " + FILE + "); copy the whole export directory");
            try {
                long size = Files.size(p);
                if (size != f.bytes())
                    throw new GuardException("file " + p + " has " + size + " bytes, " + FILE + " lists " + f.bytes() + "; the file was changed or truncated, copy it again");
                String actual = AtomicFiles.sha256(p);
                if (!actual.equalsIgnoreCase(f.sha256()))
                    throw new GuardException("SHA-256 mismatch for " + p + ": " + FILE + " lists " + f.sha256() + ", the file has " + actual
                            + "; the file was changed after export, copy the export directory again");
            } catch (IOException e) {
                throw new GuardException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
    }

    private static String listed(Path manifest, List<FileEntry> files, String name) {
        for (FileEntry f : files) if (f.path().equals(name)) return name;
        throw new GuardException(manifest + " names " + name + " but does not list it under files, so its hash cannot be checked; re-run the export");
    }

    /** Required-field access that names the manifest and the missing field. */
    private record Reader(Path file, JsonNode root) {
        JsonNode node(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) throw new GuardException(file + " has no field \"" + field + "\"; re-export with rrs export");
            return n;
        }

        String text(JsonNode parent, String field) {
            JsonNode n = node(parent, field);
            if (!n.isTextual()) throw new GuardException(file + ": field \"" + field + "\" is " + n + ", expected a string");
            return n.asText();
        }

        long integer(JsonNode parent, String field) {
            JsonNode n = node(parent, field);
            if (!n.canConvertToLong() || !n.isIntegralNumber()) throw new GuardException(file + ": field \"" + field + "\" is " + n + ", expected an integer");
            return n.asLong();
        }

        double number(JsonNode parent, String field) {
            JsonNode n = node(parent, field);
            if (!n.isNumber()) throw new GuardException(file + ": field \"" + field + "\" is " + n + ", expected a number");
            return n.asDouble();
        }
    }
}
