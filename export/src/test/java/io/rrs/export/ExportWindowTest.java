package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.guard.GuardManifest;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A random model whose audio tower takes Qwen2-Audio's whole 30 s window (3000 mel frames, 1500
 * encoder positions, 750 audio tokens), exported at fp32 and fp16: the parity check's window case runs
 * a clip filling those 3000 frames through ONNX Runtime and libtorch (prefill and one cached step), and
 * every row stays within the precision's bound.
 */
class ExportWindowTest {
    @TempDir
    Path tmp;

    @Test
    void thirtySecondWindowParityAtFp32AndFp16() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), TinyCheckpoint.CONFIG_30S, 5);
        for (ExportPrecision p : List.of(ExportPrecision.FP32, ExportPrecision.FP16)) {
            Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, tmp.resolve(p.label())).withPrecision(p));
            System.out.println(p.label() + ":");
            System.out.print(r.parity().table());
            List<ParityCheck.Row> window = r.parity().rows().stream().filter(row -> row.pass().startsWith(ParityCheck.WINDOW)).toList();
            assertEquals(1 + ParityCheck.WINDOW_DECODE_STEPS, window.size(), r.parity().table());
            assertTrue(window.get(0).pass().contains("3000 frames"), window.get(0).pass());
            for (ParityCheck.Row row : window) assertTrue(row.max() <= p.parityBound(), row.toString());
            assertTrue(r.parity().maxDiff() <= p.parityBound(), r.parity().table());
            assertEquals(3000, GuardManifest.read(r.outDir()).frontEnd().chunkFrames(), "the front-end's window is the tower's, 30 s");
        }
    }
}
