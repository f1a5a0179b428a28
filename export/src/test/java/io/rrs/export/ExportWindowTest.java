package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.guard.Guard;
import io.rrs.guard.GuardManifest;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.Verdict;
import io.rrs.text.Prompts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A random model whose audio tower takes Qwen2-Audio's whole 30 s window (3000 mel frames, 1500
 * encoder positions, 750 audio tokens), exported at fp32 and fp16: the parity check's window case runs
 * a clip filling those 3000 frames through ONNX Runtime and libtorch (prefill and one cached step), and
 * every row stays within the precision's bound. The guard opens both exports and screens a 30 s clip
 * (750 audio positions) with refusal probabilities equal within fp16's rounding.
 */
class ExportWindowTest {
    @TempDir
    Path tmp;

    @Test
    void thirtySecondWindowParityAtFp32AndFp16() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), TinyCheckpoint.CONFIG_30S, 5);
        List<Verdict> verdicts = new ArrayList<>();
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
            try (Guard guard = Guard.open(r.outDir())) {
                verdicts.add(guard.screen(GuardQuery.pcm(speechLike(30 * 16000), 16000, Prompts.AUDIO_TEXT_INSTRUCTION)));
            }
        }
        Verdict fp32 = verdicts.get(0), fp16 = verdicts.get(1);
        assertTrue(fp32.promptTokens() > 750, "a 30 s clip is 750 audio positions, the prompt has " + fp32.promptTokens());
        assertEquals(fp32.promptTokens(), fp16.promptTokens());
        assertEquals(fp32.refusalProbability(), fp16.refusalProbability(), 0.05 * fp32.refusalProbability(), "fp16 vs fp32 refusal probability");
    }

    /** Seeded harmonics with a 3 Hz envelope in [-1, 1]. */
    private static float[] speechLike(int n) {
        Random rnd = new Random(3);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / 16000.0;
            x[i] = (float) (0.2 * Math.sin(2 * Math.PI * 3 * t) * Math.sin(2 * Math.PI * 180 * t) + 0.01 * rnd.nextGaussian());
        }
        return x;
    }
}
