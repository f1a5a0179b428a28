package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole export on a random tiny model: graphs written, ONNX Runtime equal to libtorch within 1e-4. */
class ExportParityTest {
    @TempDir
    Path tmp;

    @Test
    void exportedGraphsMatchTheLibtorchForwardInAllConditionsWithAndWithoutCache() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 7);
        Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, tmp.resolve("out")));
        System.out.print(r.parity().table());
        // 3 conditions x (prefill + 3 decode steps + full)
        assertEquals(3 * (2 + ParityCheck.DECODE_STEPS), r.parity().rows().size());
        assertTrue(r.parity().maxDiff() <= 1e-4, r.parity().table());
        assertTrue(Files.isRegularFile(r.manifest()));
    }
}
