package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * onnx.checker (Debian's python3-onnx, run with /usr/bin/python3) accepts every exported graph, with
 * float32 and with float16 weights, here with every initializer in external data (threshold 0), which the export's own parity check
 * also ran through. Skipped where onnx is not importable (CI installs python3-onnx).
 */
class OnnxCheckerTest {
    private static final String PYTHON = System.getProperty("rrs.python", "/usr/bin/python3");

    @TempDir
    Path tmp;

    @Test
    void checkerAcceptsEveryGraphWithExternalData() throws Exception {
        Assumptions.assumeTrue(onnxImportable(), PYTHON + " cannot import onnx; install python3-onnx");
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 11);
        // fp16: the checker's type inference sees every Cast from the stored weights to the float32 arithmetic
        for (ExportPrecision precision : List.of(ExportPrecision.FP32, ExportPrecision.FP16)) {
            Path out = tmp.resolve(precision.label());
            Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, out).withExternalDataBytes(0).withPrecision(precision));
            for (String graph : List.of(Exporter.EMBED_FILE, Exporter.ENCODER_FILE, Exporter.DECODER_FILE)) {
                assertTrue(Files.size(out.resolve(graph + ".data")) > 0, graph + " has no external data");
                assertTrue(r.files().contains(out.resolve(graph + ".data")), "the manifest must list " + graph + ".data");
            }
            String report = run(List.of(out.resolve(Exporter.EMBED_FILE).toString(), out.resolve(Exporter.ENCODER_FILE).toString(),
                    out.resolve(Exporter.DECODER_FILE).toString()));
            assertEquals(3, report.lines().filter(l -> l.startsWith("ok ") && l.contains("opset 17")).count(), precision + "\n" + report);
            assertTrue(report.lines().noneMatch(l -> l.contains("(0 external)")), report);
        }
    }

    @Test
    void checkerRejectsAGraphThatReadsAnUndefinedValue() throws Exception {
        // the check can fail: the same builder and writer, one node reading a value nothing produces
        Assumptions.assumeTrue(onnxImportable(), PYTHON + " cannot import onnx; install python3-onnx");
        OnnxGraph g = new OnnxGraph("broken", ExportPrecision.FP32);
        String x = g.input("x", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT, "n");
        g.output(g.op("Add", new String[] {x, "never_produced"}), "y", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT, "n");
        Path file = OnnxModelWriter.write(g, tmp, "broken.onnx", 1 << 20, "test").get(0);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> run(List.of(file.toString())));
        assertTrue(e.getMessage().contains("FAILED") && e.getMessage().contains("never_produced"), e.getMessage());
    }

    private static boolean onnxImportable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import onnx.checker").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(List<String> files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString()));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        if (p.exitValue() != 0) throw new IOException("check_onnx.py failed (" + p.exitValue() + "):\n" + out);
        return out;
    }

    private static Path script() {
        String root = System.getProperty("rrs.root");
        Path p = root != null ? Path.of(root, "export/src/test/python/check_onnx.py") : Path.of("src/test/python/check_onnx.py");
        return Files.exists(p) ? p : Path.of("src/test/python/check_onnx.py").toAbsolutePath();
    }
}
