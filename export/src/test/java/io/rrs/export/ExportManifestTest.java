package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.frontend.WhisperOptions;
import io.rrs.guard.GuardManifest;
import io.rrs.io.AtomicFiles;
import io.rrs.io.Npy;
import io.rrs.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** guard.json: every file hashed, the front-end/tokenizer/template/refusal fields, delta_m and the threshold. */
class ExportManifestTest {
    @TempDir
    Path tmp;

    @Test
    void manifestListsEveryFileWithItsHashAndTheGuardSettings() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 21);
        Random rnd = new Random(2);
        float[] deltaM = new float[48];
        for (int i = 0; i < deltaM.length; i++) deltaM[i] = i % 2 == 0 ? 0f : (float) rnd.nextGaussian();
        Npy.writeFloat32(tmp.resolve("delta_m.npy"), deltaM, 48);
        // representations that separate: harmful along +delta_m, benign along -delta_m
        float[][] harmful = new float[6][48], benign = new float[5][48];
        for (int r = 0; r < 6; r++) for (int j = 0; j < 48; j++) harmful[r][j] = (float) (0.2 * rnd.nextGaussian()) + 3 * deltaM[j];
        for (int r = 0; r < 5; r++) for (int j = 0; j < 48; j++) benign[r][j] = (float) (0.2 * rnd.nextGaussian()) - 3 * deltaM[j];
        Npy.writeFloat32(tmp.resolve("harmful.npy"), harmful);
        Npy.writeFloat32(tmp.resolve("benign.npy"), benign);

        Path out = tmp.resolve("out");
        Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, out).withDeltaM(tmp.resolve("delta_m.npy"))
                .withCalibration(tmp.resolve("harmful.npy"), tmp.resolve("benign.npy")));
        JsonNode m = new ObjectMapper().readTree(r.manifest().toFile());
        assertEquals(GuardManifest.FORMAT, m.path("format").asText());

        Set<String> listed = new HashSet<>();
        for (JsonNode f : m.path("files")) {
            Path p = out.resolve(f.path("path").asText());
            assertEquals(AtomicFiles.sha256(p), f.path("sha256").asText(), p.toString());
            assertEquals(Files.size(p), f.path("bytes").asLong(), p.toString());
            listed.add(f.path("path").asText());
        }
        try (var files = Files.list(out)) {
            Set<String> present = new HashSet<>(files.map(p -> p.getFileName().toString()).toList());
            present.remove(GuardManifest.FILE);
            assertEquals(present, listed, "every file beside guard.json is listed, and only those");
        }

        assertEquals(PreprocessorConfig.FILE, m.path("frontend").path("file").asText());
        assertEquals(new WhisperOptions(80, 400, 160, 16000, 2, true), PreprocessorConfig.read(out.resolve(PreprocessorConfig.FILE)),
                "the checkpoint folder's default window (2 s for 200 frames) travels with the export");
        assertEquals(80, m.path("model").path("num_mel_bins").asInt());
        try (TextTokenizer tok = TextTokenizer.open(TinyCheckpoint.tokenizerJson())) {
            assertEquals(tok.refusalTokenId(), m.path("refusal_token_id").asInt());
            assertEquals(tok.specialTokenId("<|AUDIO|>"), m.path("tokenizer").path("audio_token_id").asInt());
        }
        assertEquals(Exporter.TOKENIZER_FILE, m.path("tokenizer").path("file").asText());
        assertTrue(m.path("chat_template").path("audio_text").asText().contains("<|audio_bos|><|AUDIO|><|audio_eos|>\n{text}<|im_end|>"),
                m.path("chat_template").toString());
        assertEquals(48, m.path("delta_m").path("values").size());
        assertEquals(deltaM[1], (float) m.path("delta_m").path("values").get(1).asDouble());
        JsonNode th = m.path("threshold");
        assertTrue(th.path("calibrated").asBoolean());
        assertEquals(11, th.path("harmful").asInt() + th.path("benign").asInt());
        assertTrue(th.path("value").asDouble() > 0 && th.path("value").asDouble() < 1, th.toString());
        assertTrue(m.path("parity").path("max_abs_diff").asDouble() <= 1e-4);
    }

    @Test
    void withoutAReshapeRunDeltaMIsNullAndTheThresholdIsTheDefault() throws Exception {
        Exporter.Result r = Exporter.export(ExportOptions.of(TinyCheckpoint.write(tmp.resolve("ckpt"), 22), tmp.resolve("out")));
        JsonNode m = new ObjectMapper().readTree(r.manifest().toFile());
        assertTrue(m.path("delta_m").isNull());
        assertFalse(m.path("threshold").path("calibrated").asBoolean());
        assertEquals(ThresholdCalibration.DEFAULT_THRESHOLD, m.path("threshold").path("value").asDouble());
        assertEquals(GuardManifest.SCORE, m.path("threshold").path("score").asText());
    }
}
