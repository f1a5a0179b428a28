package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.frontend.WhisperOptions;
import io.rrs.io.AtomicFiles;
import io.rrs.testing.PythonReference;
import io.rrs.text.ChatTemplate;
import io.rrs.text.Prompts;
import io.rrs.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * guard.json: what {@link GuardManifest#write} writes, {@link GuardManifest#read} reads back; reading and
 * file verification on a hand-written manifest (no model needed: hashes are checked before any graph
 * loads): fields, sizes, SHA-256, paths outside the directory, missing fields and other or missing
 * format tags, each failing with the file and the field named.
 */
class GuardManifestTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest in the exporter's layout listing three small "graph" files and a tokenizer. */
    private ObjectNode manifest() throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", GuardManifest.FORMAT);
        ObjectNode graphs = root.putObject("graphs");
        graphs.put("precision", "fp16");
        graphs.putObject("embed_tokens").put("file", "embed_tokens.onnx");
        graphs.putObject("encoder").put("file", "encoder.onnx");
        graphs.putObject("decoder").put("file", "decoder.onnx");
        ObjectNode model = root.putObject("model");
        model.put("vocab_size", 2048).put("hidden_size", 4).put("num_hidden_layers", 2).put("num_key_value_heads", 2)
                .put("head_dim", 8).put("max_position_embeddings", 512).put("max_audio_frames", 200).put("num_mel_bins", 80);
        root.putObject("frontend").put("type", "whisper_log_mel").put("file", PreprocessorConfig.FILE);
        root.putObject("tokenizer").put("file", "tokenizer.json").put("audio_token_id", 2045).put("pad_token_id", 2042).put("stop_token_id", 2044);
        root.putObject("chat_template").put("system", "You are a helpful assistant.").put("audio_text_instruction", "Please ...");
        root.put("refusal_token_id", 40);
        root.putObject("delta_m").putArray("values").add(0.0).add(1.5).add(0.0).add(-2.0);
        root.putObject("threshold").put("score", "refusal_token_probability").put("value", 0.3).put("calibrated", true);
        var files = root.putArray("files");
        for (String f : new String[] {"embed_tokens.onnx", "encoder.onnx", "decoder.onnx", "tokenizer.json"}) {
            Path p = dir.resolve(f);
            Files.writeString(p, "contents of " + f);
            files.addObject().put("path", f).put("bytes", Files.size(p)).put("sha256", AtomicFiles.sha256(p));
        }
        list(root, PreprocessorConfig.write(dir, new WhisperOptions(80, 400, 160, 16000, 2, true)));
        return root;
    }

    /** Adds (or re-lists) {@code file} under files with its size and hash. */
    private static void list(ObjectNode root, Path file) throws Exception {
        var files = (com.fasterxml.jackson.databind.node.ArrayNode) root.path("files");
        for (int i = files.size() - 1; i >= 0; i--) if (files.get(i).path("path").asText().equals(file.getFileName().toString())) files.remove(i);
        files.addObject().put("path", file.getFileName().toString()).put("bytes", Files.size(file)).put("sha256", AtomicFiles.sha256(file));
    }

    private void write(ObjectNode root) throws Exception {
        JSON.writeValue(dir.resolve(GuardManifest.FILE).toFile(), root);
    }

    private String failure(ObjectNode root) throws Exception {
        write(root);
        return assertThrows(GuardException.class, () -> GuardManifest.read(dir)).getMessage();
    }

    @Test
    void readsEveryFieldTheGuardNeeds() throws Exception {
        write(manifest());
        GuardManifest m = GuardManifest.read(dir);
        assertEquals("decoder.onnx", m.decoderFile());
        assertEquals(80, m.frontEnd().numMels());
        assertEquals(200, m.frontEnd().chunkFrames());
        assertEquals(40, m.refusalTokenId());
        assertEquals(2044, m.stopTokenId());
        assertEquals(0.3, m.threshold());
        assertTrue(m.calibrated());
        assertArrayEquals(new float[] {0f, 1.5f, 0f, -2f}, m.deltaM());
        assertEquals(5, m.files().size(), "three graphs, the tokenizer and the preprocessor config");
    }

    @Test
    void aNullDeltaMIsAbsent() throws Exception {
        ObjectNode root = manifest();
        root.putNull("delta_m");
        write(root);
        assertNull(GuardManifest.read(dir).deltaM());
    }

    @Test
    void aChangedFileIsAHashMismatchWithBothHashes() throws Exception {
        ObjectNode root = manifest();
        String listed = root.path("files").get(2).path("sha256").asText();
        write(root);
        Files.writeString(dir.resolve("decoder.onnx"), "contents of decoder.onnX"); // same size, other bytes
        String m = assertThrows(GuardException.class, () -> GuardManifest.read(dir)).getMessage();
        assertTrue(m.contains("SHA-256 mismatch for " + dir.resolve("decoder.onnx")), m);
        assertTrue(m.contains(listed) && m.contains(AtomicFiles.sha256(dir.resolve("decoder.onnx"))), m);
        Files.writeString(dir.resolve("decoder.onnx"), "short");
        m = assertThrows(GuardException.class, () -> GuardManifest.read(dir)).getMessage();
        assertTrue(m.contains("has 5 bytes"), m);
    }

    @Test
    void missingFilesAndFieldsAreNamed() throws Exception {
        ObjectNode root = manifest();
        write(root);
        Files.delete(dir.resolve("encoder.onnx"));
        assertTrue(assertThrows(GuardException.class, () -> GuardManifest.read(dir)).getMessage().contains("missing file: " + dir.resolve("encoder.onnx")));
        Files.writeString(dir.resolve("encoder.onnx"), "contents of encoder.onnx");

        ObjectNode noThreshold = manifest();
        noThreshold.remove("threshold");
        assertTrue(failure(noThreshold).contains("no field \"threshold\""));
        ObjectNode badType = manifest();
        ((ObjectNode) badType.path("model")).put("hidden_size", "wide");
        assertTrue(failure(badType).contains("\"hidden_size\" is \"wide\", expected an integer"));
        ObjectNode badPrecision = manifest();
        ((ObjectNode) badPrecision.path("graphs")).put("precision", "int4");
        assertTrue(failure(badPrecision).contains("graphs.precision \"int4\" is none of [fp32, fp16, bf16]"));
        ObjectNode unlisted = manifest();
        ((ObjectNode) unlisted.path("graphs").path("decoder")).put("file", "other.onnx");
        assertTrue(failure(unlisted).contains("names other.onnx but does not list it"));
    }

    @Test
    void writtenManifestsReadBack() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String f : new String[] {"embed_tokens.onnx", "encoder.onnx", "decoder.onnx", "config.json"}) {
            files.add(dir.resolve(f));
            Files.writeString(dir.resolve(f), "contents of " + f);
        }
        Files.copy(PythonReference.repoRoot().resolve("data/tokenizer/tokenizer.json"), dir.resolve("tokenizer.json"));
        files.add(dir.resolve("tokenizer.json"));
        files.add(PreprocessorConfig.write(dir, new WhisperOptions(80, 400, 160, 16000, 2, true)));
        GuardManifest.Graph graph = new GuardManifest.Graph("decoder.onnx", List.of("inputs_embeds"), List.of("logits", "last_hidden_state"));
        try (TextTokenizer tokenizer = TextTokenizer.open(dir.resolve("tokenizer.json"))) {
            ChatTemplate template = new ChatTemplate(tokenizer);
            GuardManifest.Contents contents = new GuardManifest.Contents("lora/run", new GuardManifest.Graphs(17, 8, "bf16",
                    new GuardManifest.Graph("embed_tokens.onnx", List.of("input_ids"), List.of("inputs_embeds")),
                    new GuardManifest.Graph("encoder.onnx", List.of("input_features"), List.of("audio_embeds")), graph),
                    new GuardManifest.ModelShape("config.json", 2048, 4, 2, 2, 8, 512, template.audioTokenId(), 200, 80), "tokenizer.json",
                    PreprocessorConfig.FILE, template,
                    new float[] {0.5f, -1.25f, 0f, 3f}, "delta_m.npy", new GuardManifest.Threshold(0.375, "calibrated on a test",
                    new GuardManifest.Calibration(0.9, 6, 5)), new GuardManifest.Parity(1e-4, 2.5e-6,
                    List.of(new GuardManifest.ParityRow("audio-text", "prefill", 2.5e-6, 1e-6))), files);
            Path written = GuardManifest.write(dir, contents);
            assertEquals(dir.resolve(GuardManifest.FILE), written);

            GuardManifest m = GuardManifest.read(dir);
            assertEquals("embed_tokens.onnx", m.embedFile());
            assertEquals("encoder.onnx", m.encoderFile());
            assertEquals("decoder.onnx", m.decoderFile());
            assertEquals("tokenizer.json", m.tokenizerFile());
            assertEquals(List.of(2048, 4, 2, 2, 8, 512), List.of(m.vocabSize(), m.hiddenSize(), m.layers(), m.kvHeads(), m.headDim(), m.maxPositions()));
            assertEquals(80, m.frontEnd().numMels());
            assertEquals(200, m.frontEnd().chunkFrames());
            assertEquals(List.of(template.audioTokenId(), template.padId(), tokenizer.refusalTokenId()),
                    List.of(m.audioTokenId(), m.padTokenId(), m.refusalTokenId()));
            assertEquals(Prompts.DEFAULT_SYSTEM, m.system());
            assertEquals(Prompts.AUDIO_TEXT_INSTRUCTION, m.audioTextInstruction());
            assertArrayEquals(new float[] {0.5f, -1.25f, 0f, 3f}, m.deltaM());
            assertEquals(0.375, m.threshold());
            assertTrue(m.calibrated());
            assertEquals("bf16", m.weightsPrecision());
            assertEquals(files.size(), m.files().size());
            for (GuardManifest.FileEntry f : m.files()) assertEquals(AtomicFiles.sha256(dir.resolve(f.path())), f.sha256(), f.path());
        }
        JsonNode raw = JSON.readTree(dir.resolve(GuardManifest.FILE).toFile());
        assertEquals("lora/run", raw.path("lora").asText());
        assertEquals(GuardManifest.SCORE, raw.at("/threshold/score").asText());
        assertEquals(2.5e-6, raw.at("/parity/max_abs_diff").asDouble());
        assertEquals("[\"logits\",\"last_hidden_state\"]", raw.at("/graphs/decoder/outputs").toString());
    }

    @Test
    void otherOrMissingFormatTagsAreRefusedByName() throws Exception {
        Path file = dir.resolve(GuardManifest.FILE);
        ObjectNode other = manifest();
        other.put("format", "rrs-guard/9");
        String m = failure(other);
        assertTrue(m.contains(file + " has format tag \"rrs-guard/9\", expected \"" + GuardManifest.FORMAT + "\"") && m.contains("rrs export"), m);
        ObjectNode none = manifest();
        none.remove("format");
        m = failure(none);
        assertTrue(m.contains(file + " has no format tag, expected \"" + GuardManifest.FORMAT + "\"") && m.contains("rrs export"), m);
    }

    @Test
    void unsafeAndInconsistentManifestsAreRefused() throws Exception {
        ObjectNode escape = manifest();
        ((ObjectNode) escape.path("files").get(0)).put("path", "../outside.onnx");
        assertTrue(failure(escape).contains("outside the model directory"));
        ObjectNode wrongDelta = manifest();
        ((ObjectNode) wrongDelta.path("delta_m")).putArray("values").add(1.0);
        assertTrue(failure(wrongDelta).contains("delta_m has 1 values but hidden_size is 4"));
        ObjectNode window = manifest();
        list(window, PreprocessorConfig.write(dir, new WhisperOptions(80, 400, 160, 16000, 30, true)));
        assertTrue(failure(window).contains("is longer than the model's max_audio_frames"));
        ObjectNode mels = manifest();
        ((ObjectNode) mels.path("model")).put("num_mel_bins", 128);
        assertTrue(failure(mels).contains("differs from the model's num_mel_bins 128"));
        ObjectNode badPrecision = manifest();
        ((ObjectNode) badPrecision.path("graphs")).put("precision", "int4");
        assertTrue(failure(badPrecision).contains("graphs.precision \"int4\" is none of [fp32, fp16, bf16]"));
        ObjectNode unlisted = manifest();
        ((ObjectNode) unlisted.path("frontend")).put("file", "other.json");
        assertTrue(failure(unlisted).contains("does not list it"));
        Files.writeString(dir.resolve(GuardManifest.FILE), "{not json");
        assertTrue(assertThrows(GuardException.class, () -> GuardManifest.read(dir)).getMessage().contains("is not valid JSON"));
        assertFalse(Files.exists(dir.resolve("nothing")));
        assertTrue(assertThrows(GuardException.class, () -> GuardManifest.read(dir.resolve("nothing"))).getMessage().contains("does not exist"));
    }
}
