package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * guard.json reading and file verification on a hand-written manifest (no model needed: hashes
 * are checked before any graph loads): fields, sizes, SHA-256, paths outside the directory,
 * missing fields and unknown formats, each failing with the file and the field named.
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
        graphs.putObject("embed_tokens").put("file", "embed_tokens.onnx");
        graphs.putObject("encoder").put("file", "encoder.onnx");
        graphs.putObject("decoder").put("file", "decoder.onnx");
        ObjectNode model = root.putObject("model");
        model.put("vocab_size", 2048).put("hidden_size", 4).put("num_hidden_layers", 2).put("num_key_value_heads", 2)
                .put("head_dim", 8).put("max_position_embeddings", 512).put("max_audio_frames", 200);
        root.putObject("frontend").put("type", "whisper_log_mel").put("n_mels", 80).put("n_fft", 400).put("hop_length", 160)
                .put("sample_rate", 16000).put("chunk_seconds", 2);
        root.putObject("tokenizer").put("file", "tokenizer.json").put("audio_token_id", 2045).put("pad_token_id", 2042).put("stop_token_id", 2044);
        root.putObject("chat_template").put("system", "You are a helpful assistant.").put("audio_text_instruction", "Please ...");
        root.put("refusal_token_id", 40);
        root.putObject("delta_m").putArray("values").add(0.0).add(1.5).add(0.0).add(-2.0);
        root.putObject("threshold").put("score", "refusal_token_probability").put("value", 0.3).put("calibrated", true);
        var files = root.putArray("files");
        for (String f : new String[] {"embed_tokens.onnx", "encoder.onnx", "decoder.onnx", "tokenizer.json"}) {
            Path p = dir.resolve(f);
            Files.writeString(p, "contents of " + f);
            files.addObject().put("path", f).put("bytes", Files.size(p)).put("sha256", GuardManifest.sha256(p));
        }
        return root;
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
        assertEquals(4, m.files().size());
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
        assertTrue(m.contains(listed) && m.contains(GuardManifest.sha256(dir.resolve("decoder.onnx"))), m);
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
        ObjectNode unlisted = manifest();
        ((ObjectNode) unlisted.path("graphs").path("decoder")).put("file", "other.onnx");
        assertTrue(failure(unlisted).contains("names other.onnx but does not list it"));
    }

    @Test
    void wrongFormatsAndUnsafePathsAreRefused() throws Exception {
        ObjectNode other = manifest();
        other.put("format", "rrs-guard/9");
        assertTrue(failure(other).contains("format is \"rrs-guard/9\""));
        ObjectNode escape = manifest();
        ((ObjectNode) escape.path("files").get(0)).put("path", "../outside.onnx");
        assertTrue(failure(escape).contains("outside the model directory"));
        ObjectNode wrongDelta = manifest();
        ((ObjectNode) wrongDelta.path("delta_m")).putArray("values").add(1.0);
        assertTrue(failure(wrongDelta).contains("delta_m has 1 values but hidden_size is 4"));
        ObjectNode window = manifest();
        ((ObjectNode) window.path("frontend")).put("chunk_seconds", 30);
        assertTrue(failure(window).contains("is longer than the model's max_audio_frames"));
        Files.writeString(dir.resolve(GuardManifest.FILE), "{not json");
        assertTrue(assertThrows(GuardException.class, () -> GuardManifest.read(dir)).getMessage().contains("is not valid JSON"));
        assertFalse(Files.exists(dir.resolve("nothing")));
        assertTrue(assertThrows(GuardException.class, () -> GuardManifest.read(dir.resolve("nothing"))).getMessage().contains("does not exist"));
    }
}
