package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.guard.GuardManifest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fp16 and bf16 exports of a random tiny model: every weight stored in that type (read back from the
 * ONNX files), half the bytes of the fp32 export, ONNX Runtime within the precision's bound of the
 * libtorch forward pass over the checkpoint's own float32 weights (and further from it than float32
 * graphs are, so the weights really were rounded), and guard.json naming the precision.
 */
class ExportPrecisionTest {
    @TempDir
    Path tmp;

    @Test
    void narrowWeightsExportWithinTheirParityBound() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 7);
        Exporter.Result fp32 = Exporter.export(ExportOptions.of(ckpt, tmp.resolve("fp32")).withExternalDataBytes(0));
        long fp32Bytes = weightBytes(fp32.outDir());
        for (ExportPrecision p : List.of(ExportPrecision.FP16, ExportPrecision.BF16)) {
            Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, tmp.resolve(p.label())).withExternalDataBytes(0).withPrecision(p));
            System.out.println(p.label() + ":");
            System.out.print(r.parity().table());
            assertTrue(r.parity().maxDiff() <= p.parityBound(), p + " " + r.parity().table());
            assertTrue(r.parity().maxDiff() > 10 * fp32.parity().maxDiff(),
                    p + " graphs agree with the float32 model as closely as float32 graphs do (" + r.parity().maxDiff() + "); were the weights rounded?");
            for (String graph : List.of(Exporter.EMBED_FILE, Exporter.ENCODER_FILE, Exporter.DECODER_FILE)) {
                ModelProto model;
                try (InputStream in = Files.newInputStream(r.outDir().resolve(graph))) {
                    model = ModelProto.parseFrom(in);
                }
                for (TensorProto t : model.getGraph().getInitializerList()) {
                    if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) continue; // graph constants (axes, scales) are small and typed by use
                    assertEquals(p.onnxType().getNumber(), t.getDataType(), graph + ": " + t.getName());
                    long elements = t.getDimsList().stream().reduce(1L, (a, b) -> a * b);
                    String length = t.getExternalDataList().stream().filter(e -> e.getKey().equals("length")).findFirst().orElseThrow().getValue();
                    assertEquals(2 * elements, Long.parseLong(length), graph + ": " + t.getName());
                }
            }
            long bytes = weightBytes(r.outDir());
            assertEquals(fp32Bytes / 2.0, bytes, fp32Bytes * 0.01, p + " weights take " + bytes + " bytes against fp32's " + fp32Bytes);
            JsonNode manifest = new ObjectMapper().readTree(r.manifest().toFile());
            assertEquals(p.label(), manifest.at("/graphs/precision").asText());
            assertEquals(p.parityBound(), manifest.at("/parity/tolerance").asDouble());
            assertEquals(p.label(), GuardManifest.read(r.outDir()).weightsPrecision());
        }
    }

    private static long weightBytes(Path dir) throws Exception {
        long sum = 0;
        for (String graph : List.of(Exporter.EMBED_FILE, Exporter.ENCODER_FILE, Exporter.DECODER_FILE)) sum += Files.size(dir.resolve(graph + ".data"));
        return sum;
    }
}
