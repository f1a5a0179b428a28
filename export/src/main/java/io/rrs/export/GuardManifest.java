package io.rrs.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.frontend.WhisperOptions;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.Prompts;
import io.rrs.text.SpecialTokens;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Scope: {@code guard.json}, the manifest the runtime guard opens: every file beside it with its
 * size and SHA-256, the graphs and their input/output names, the front-end settings, tokenizer and
 * chat template, refusal token, {@code delta_m} (null until a reshape run supplies it), the
 * decision threshold (calibrated or the documented default) and the parity figures. Written last,
 * and only after the parity check passed, so a failed export never leaves a usable manifest.
 */
final class GuardManifest {
    static final String FILE = "guard.json";
    static final String FORMAT = "rrs-guard/1";

    /** What the exporter knows when it writes the manifest. */
    record Contents(Qwen2AudioConfig config, WhisperOptions frontEnd, ChatTemplate template, List<Path> files, float[] deltaM, String deltaMSource,
                    double threshold, String thresholdSource, ThresholdCalibration.Result calibration, ParityCheck.Report parity,
                    double tolerance, String loraSource) {}

    private GuardManifest() {}

    static Path write(Path dir, Contents c) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        root.put("producer", "rrs-export");
        root.put("lora", c.loraSource());

        ObjectNode graphs = root.putObject("graphs");
        graphs.put("opset", OnnxModelWriter.OPSET);
        graphs.put("ir_version", OnnxModelWriter.IR_VERSION);
        ObjectNode embed = graphs.putObject("embed_tokens");
        embed.put("file", Exporter.EMBED_FILE);
        embed.putArray("inputs").add("input_ids");
        embed.putArray("outputs").add(DecoderGraph.EMBEDS);
        ObjectNode enc = graphs.putObject("encoder");
        enc.put("file", Exporter.ENCODER_FILE);
        enc.putArray("inputs").add(EncoderGraph.FEATURES).add(EncoderGraph.FRAME_COUNTS);
        enc.putArray("outputs").add(EncoderGraph.EMBEDS).add(EncoderGraph.COUNTS);
        ObjectNode dec = graphs.putObject("decoder");
        dec.put("file", Exporter.DECODER_FILE);
        dec.putArray("inputs").add(DecoderGraph.EMBEDS).add(DecoderGraph.MASK).add(DecoderGraph.POSITIONS).add("past_key_values.{layer}.key").add("past_key_values.{layer}.value");
        dec.putArray("outputs").add(DecoderGraph.LOGITS).add(DecoderGraph.HIDDEN).add("present.{layer}.key").add("present.{layer}.value");

        Qwen2AudioConfig.TextConfig t = c.config().text();
        ObjectNode model = root.putObject("model");
        model.put("config", Exporter.CONFIG_FILE);
        model.put("vocab_size", t.vocabSize());
        model.put("hidden_size", t.hiddenSize());
        model.put("num_hidden_layers", t.numHiddenLayers());
        model.put("num_key_value_heads", t.numKeyValueHeads());
        model.put("head_dim", t.headDim());
        model.put("max_position_embeddings", t.maxPositionEmbeddings());
        model.put("audio_token_index", c.config().audioTokenIndex());
        model.put("max_audio_frames", c.config().audio().maxFrames());

        WhisperOptions fe = c.frontEnd();
        ObjectNode f = root.putObject("frontend");
        f.put("type", "whisper_log_mel");
        f.put("n_mels", fe.numMels());
        f.put("n_fft", fe.fftSize());
        f.put("window_length", fe.fftSize());
        f.put("hop_length", fe.hopLength());
        f.put("sample_rate", fe.sampleRate());
        f.put("chunk_frames", fe.chunkFrames());
        f.put("pad_or_trim", true);
        f.put("chunk_seconds", fe.chunkSeconds());

        ChatTemplate tpl = c.template();
        ObjectNode tok = root.putObject("tokenizer");
        tok.put("file", Exporter.TOKENIZER_FILE);
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
        chat.put("audio_text", tpl.render(new ChatPrompt(io.rrs.text.InputCondition.AUDIO_TEXT, 1, "{text}", "{system}")));
        chat.put("text_only", tpl.render(new ChatPrompt(io.rrs.text.InputCondition.TEXT_ONLY, 0, "{text}", "{system}")));
        chat.put("audio_only", tpl.render(new ChatPrompt(io.rrs.text.InputCondition.AUDIO_ONLY, 1, "", "{system}")));

        int refusal = tpl.tokenizer().refusalTokenId();
        root.put("refusal_token", Prompts.REFUSAL_TOKEN);
        root.put("refusal_token_id", refusal);
        if (c.deltaM() == null) {
            root.putNull("delta_m");
        } else {
            ObjectNode d = root.putObject("delta_m");
            d.put("source", c.deltaMSource());
            ArrayNode v = d.putArray("values");
            for (float x : c.deltaM()) v.add(x);
        }
        ObjectNode th = root.putObject("threshold");
        th.put("score", ThresholdCalibration.SCORE);
        th.put("value", c.threshold());
        th.put("calibrated", c.calibration() != null);
        th.put("source", c.thresholdSource());
        if (c.calibration() != null) {
            th.put("balanced_accuracy", c.calibration().balancedAccuracy());
            th.put("harmful", c.calibration().harmful());
            th.put("benign", c.calibration().benign());
        }

        ObjectNode parity = root.putObject("parity");
        parity.put("tolerance", c.tolerance());
        parity.put("max_abs_diff", c.parity().maxDiff());
        ArrayNode rows = parity.putArray("checks");
        for (ParityCheck.Row r : c.parity().rows()) {
            ObjectNode o = rows.addObject();
            o.put("condition", r.condition().name().toLowerCase().replace('_', '-'));
            o.put("pass", r.pass());
            o.put("logits", r.logitsDiff());
            o.put("last_hidden_state", r.hiddenDiff());
        }

        ArrayNode files = root.putArray("files");
        for (Path p : c.files()) {
            ObjectNode o = files.addObject();
            o.put("path", dir.relativize(p).toString());
            o.put("bytes", Files.size(p));
            o.put("sha256", sha256(p));
        }
        Path out = dir.resolve(FILE), tmp = Files.createTempFile(dir, FILE, ".tmp");
        json.writeValue(tmp.toFile(), root);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
