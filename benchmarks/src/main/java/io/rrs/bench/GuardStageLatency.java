package io.rrs.bench;

import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Scope: per-stage latency of {@code screen} (front-end, prompt, encoder, prefill, total; p50 and
 * p99) from the timings every verdict carries, over N calls after a warm-up, on
 * {@link GuardBenchFixture}'s 3 s audio-text query. A companion to the JMH suite {@link GuardBench},
 * which times the whole call from outside. The model is {@link BenchModel}'s: MODEL_DIR [LORA] as
 * arguments, else {@code -Drrs.bench.model} / {@code -Drrs.bench.lora}, else the random fixture.
 * {@code -Drrs.bench.json=FILE} also writes the figures as JSON (engine_bench.sh's summary reads it).
 *   java -cp ... io.rrs.bench.GuardStageLatency [N=300] [intraOpThreads=1] [MODEL_DIR [LORA]]
 */
public final class GuardStageLatency {
    private GuardStageLatency() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        BenchModel bm = args.length > 2 ? BenchModel.of(Path.of(args[2]), args.length > 3 ? Path.of(args[3]) : null) : BenchModel.fromProperties();
        GuardQuery query = GuardBenchFixture.query3sAudioText();
        try (Guard guard = Guard.open(bm.guardDir(), GuardOptions.defaults().withIntraOpThreads(threads))) {
            for (int i = 0; i < 50; i++) guard.screen(query); // JIT and ONNX Runtime arenas
            Verdict[] v = new Verdict[n];
            for (int i = 0; i < n; i++) v[i] = guard.screen(query);
            System.out.printf("screen on %s, 3 s audio-text query, %d prompt tokens, %d calls, %d intra-op thread(s):%n", bm.describe(), v[0].promptTokens(), n, threads);
            Map<String, double[]> stages = new LinkedHashMap<>();
            print(stages, "front-end (WAV decode + log-mel)", v, t -> t.timings().frontEndMs());
            print(stages, "prompt (tokenise + embed)", v, t -> t.timings().promptMs());
            print(stages, "encoder", v, t -> t.timings().encoderMs());
            print(stages, "prefill (decoder)", v, t -> t.timings().prefillMs());
            print(stages, "total screen", v, t -> t.timings().totalMs());
            String json = System.getProperty("rrs.bench.json", "");
            if (!json.isBlank()) {
                StringBuilder sb = new StringBuilder("{");
                stages.forEach((k, p) -> sb.append(sb.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "\"%s\": [%.4f, %.4f]", k, p[0], p[1])));
                Files.writeString(Path.of(json), sb.append("}\n").toString());
            }
        }
    }

    /** Prints {p50, p99} in ms and records them under {@code stage}. */
    private static void print(Map<String, double[]> into, String stage, Verdict[] v, ToDoubleFunction<Verdict> f) {
        double[] p = p50p99(Arrays.stream(v).mapToDouble(f).toArray());
        double p50 = p[0], p99 = p[1];
        System.out.printf("  %-34s p50 %8.2f ms   p99 %8.2f ms%n", stage, p50, p99);
        into.put(stage, new double[] {p50, p99});
    }

    /** {p50, p99} of {@code values}. */
    static double[] p50p99(double[] values) {
        double[] ms = values.clone();
        Arrays.sort(ms);
        return new double[] {ms[ms.length / 2], ms[(int) Math.ceil(0.99 * ms.length) - 1]};
    }
}
