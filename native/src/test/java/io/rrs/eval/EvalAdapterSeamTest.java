package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.cli.Rrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --aligned through a registered AdapterCheckpointLoader (base + adapters), and the errors for what no loader reads. */
class EvalAdapterSeamTest {
    @TempDir
    Path tmp;

    @Test
    void aRegisteredLoaderBuildsTheAlignedModelFromTheBase() throws Exception {
        Path base = EvalFixtures.tinyModel(tmp.resolve("base"), 21);
        Path data = EvalFixtures.dataset(tmp.resolve("data"), 1);
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve(ScaledProjectionLoader.MARKER), "-3.0\n");
        Path out = tmp.resolve("out");
        int code = Rrs.commandLine().execute("eval", "--model", base.toString(), "--aligned", run.toString(), "--data", data.toString(),
                "--conditions", "text-only", "--max-new-tokens", "5", "--out", out.toString(), "--no-progress");
        assertEquals(0, code);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertTrue(report.get("models").get("aligned").asText().contains("test scaled o_proj"), report.get("models").toString());
        assertEquals(List.of("text-only"), new ObjectMapper().convertValue(report.get("conditions"), List.class));
        List<String> baseAnswers = ResponseLog.read(ResponseLog.fileOf(out, "base")).stream().map(ResponseRecord::response).toList();
        List<String> alignedAnswers = ResponseLog.read(ResponseLog.fileOf(out, "aligned")).stream().map(ResponseRecord::response).toList();
        assertEquals(2, alignedAnswers.size());
        assertNotEquals(baseAnswers, alignedAnswers, "the adapted projections reach the answers");
    }

    @Test
    void anAlignedPathNoLoaderReadsIsRefusedByName() throws Exception {
        Path base = EvalFixtures.tinyModel(tmp.resolve("base"), 21);
        Path empty = Files.createDirectories(tmp.resolve("not-a-model"));
        IOException e = assertThrows(IOException.class, () -> ModelSource.loadAligned(base, empty, () -> ModelSource.loadBase(base)));
        assertTrue(e.getMessage().contains("not-a-model") && e.getMessage().contains("config.json"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> ModelSource.loadBase(tmp.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("nowhere"), missing.getMessage());
    }
}
