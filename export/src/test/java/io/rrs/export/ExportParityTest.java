package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.ModelInput;
import io.rrs.model.OpenedModel;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
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
        // 3 conditions x (prefill + 3 decode steps + full), then the whole window: prefill + 1 decode step
        assertEquals(3 * (2 + ParityCheck.DECODE_STEPS) + 1 + ParityCheck.WINDOW_DECODE_STEPS, r.parity().rows().size());
        assertTrue(r.parity().maxDiff() <= 1e-4, r.parity().table());
        assertTrue(Files.isRegularFile(r.manifest()));

        // the same check against another model's weights must fail loudly: it compares real numbers
        Qwen2AudioModel other = Qwen2AudioModel.load(TinyCheckpoint.write(tmp.resolve("other"), 8));
        Path out = r.outDir();
        try (TextTokenizer tok = TextTokenizer.open(ckpt.resolve("tokenizer.json"));
             OnnxPipeline onnx = new OnnxPipeline(out.resolve(Exporter.EMBED_FILE), out.resolve(Exporter.ENCODER_FILE), out.resolve(Exporter.DECODER_FILE),
                     2, 2, 8, 48, 1)) {
            ParityCheck.Report wrong = new ParityCheck(other, OpenedModel.queryEncoder(ckpt, other.config(), new ChatTemplate(tok)), onnx).run();
            assertTrue(wrong.maxDiff() > 1e-2, wrong.table());
        }
    }

    @Test
    void decoderLogitsAreTheFullForwardsLastRow() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 9);
        Path out = Exporter.export(ExportOptions.of(ckpt, tmp.resolve("out"))).outDir();
        Qwen2AudioModel model = Qwen2AudioModel.load(ckpt);
        long[] ids = {5, 17, 300, 9, 40, 1000, 77};
        int s = ids.length, vocab = model.config().text().vocabSize();
        long[] mask = new long[s];
        java.util.Arrays.fill(mask, 1);
        float[] reference;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            reference = Tensors.toFloats(model.forward(new ModelInput(Tensors.longs(ids, 1, s), Tensors.longs(mask, 1, s), null, null)).logits());
        }
        try (OnnxPipeline onnx = new OnnxPipeline(out.resolve(Exporter.EMBED_FILE), out.resolve(Exporter.ENCODER_FILE), out.resolve(Exporter.DECODER_FILE),
                2, 2, 8, 48, 1)) {
            OnnxPipeline.Step step = onnx.decode(onnx.embed(ids, 1, s), 1, s, mask, ParityCheck.positions(mask, 1, s, s), null);
            assertEquals(vocab, step.logits().length, "the prefill must give one row of logits, the last position's");
            assertEquals(s * 48, step.hidden().length, "last_hidden_state keeps every position");
            double last = 0, beforeLast = 0;
            for (int v = 0; v < vocab; v++) {
                last = Math.max(last, Math.abs(step.logits()[v] - reference[(s - 1) * vocab + v]));
                beforeLast = Math.max(beforeLast, Math.abs(step.logits()[v] - reference[(s - 2) * vocab + v]));
            }
            assertTrue(last <= 1e-4, "last row differs by " + last);
            assertTrue(beforeLast > 1e-2, "the row before the last is as close (" + beforeLast + "): the comparison proves nothing");
        }
    }
}
