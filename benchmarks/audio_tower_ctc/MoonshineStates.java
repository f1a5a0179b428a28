import ai.onnxruntime.*;
import io.rrs.audio.*;
import io.rrs.data.*;
import java.io.*;
import java.nio.*;
import java.nio.file.*;
import java.util.*;

/**
 * Writes what hear_probe.py reads as a distillation target: for every utterance of the given manifest splits, the
 * last_hidden_state of Moonshine tiny's English encoder (npm `@moonshine-ai/moonshine-js`, MIT; `npm pack` it and pass
 * dist/model/tiny/quantized/encoder_model.onnx), a model trained on real speech, run on the clip's 16 kHz samples.
 * states.f16 holds the frames (288 float16 each, frame-major) clip after clip; index.tsv has id, split, byte offset,
 * frames. Single-file program on the reactor class path:
 *   java -cp "$(cat export/target/rrs.classpath):native/target/classes:java/target/classes" \
 *       benchmarks/audio_tower_ctc/MoonshineStates.java ENCODER_ONNX DATA_DIR OUT_DIR [SPLIT,SPLIT...]
 */
public class MoonshineStates {
    public static void main(String[] a) throws Exception {
        if (a.length != 3 && a.length != 4)
            throw new IllegalArgumentException("usage: MoonshineStates ENCODER_ONNX DATA_DIR OUT_DIR [SPLIT,SPLIT... (default: every split)]");
        SpokenDataset d = SpokenDataset.open(Path.of(a[1]));
        Set<String> splits = a.length == 4 ? Set.of(a[3].split(",")) : null;
        Path out = Files.createDirectories(Path.of(a[2]));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Integer.parseInt(System.getenv().getOrDefault("ORT_THREADS", "1")));
        int done = 0;
        long started = System.nanoTime(), offset = 0;
        try (OrtSession session = env.createSession(a[0], options);
             OutputStream bin = new BufferedOutputStream(Files.newOutputStream(out.resolve("states.f16")), 1 << 20);
             PrintWriter idx = new PrintWriter(Files.newBufferedWriter(out.resolve("index.tsv")))) {
            for (var e : d.entries()) {
                if (splits != null && !splits.contains(e.split())) continue;
                float[] samples = AudioLoader.load(d.wav(e)).samples();
                try (OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {samples});
                     OrtSession.Result result = session.run(Map.of("input_values", input))) {
                    float[][] states = ((float[][][]) result.get(0).getValue())[0];
                    ByteBuffer buf = ByteBuffer.allocate(states.length * 288 * 2).order(ByteOrder.LITTLE_ENDIAN);
                    for (float[] frame : states)
                        for (float v : frame) buf.putShort(half(v));
                    bin.write(buf.array());
                    idx.println(String.join("\t", e.id(), e.split().toUpperCase(Locale.ROOT), Long.toString(offset), Integer.toString(states.length)));
                    offset += buf.capacity();
                }
                if (++done % 1000 == 0)
                    System.err.printf("%d clips, %.1f clips/s%n", done, done / ((System.nanoTime() - started) / 1e9));
            }
        }
        System.err.println(done + " clips written to " + out);
    }

    /** IEEE half precision, round to nearest even (Java 17 has no Float.floatToFloat16); these states lie within +-100. */
    static short half(float v) {
        int f = Float.floatToIntBits(v), sign = (f >>> 16) & 0x8000, exp = ((f >>> 23) & 0xff) - 127 + 15, mant = f & 0x7fffff;
        if (exp >= 31) return (short) (sign | 0x7c00);
        if (exp <= 0) {
            if (exp < -10) return (short) sign;
            mant |= 0x800000;
            int shift = 14 - exp, half = mant >>> shift, rest = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) == 1)) half++;
            return (short) (sign | half);
        }
        int h = (exp << 10) | (mant >>> 13), rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) h++;
        return (short) (sign | h);
    }
}
