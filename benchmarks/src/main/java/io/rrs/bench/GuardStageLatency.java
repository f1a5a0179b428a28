package io.rrs.bench;

import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.Verdict;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * Scope: per-stage latency of {@code screen} (front-end, prompt, encoder, prefill, total; p50 and
 * p99) from the timings every verdict carries, over N calls after a warm-up, on
 * {@link GuardBenchFixture}'s 3 s audio-text query. A companion to the JMH suite {@link GuardBench},
 * which times the whole call from outside.
 *   java -cp ... io.rrs.bench.GuardStageLatency [N=300] [intraOpThreads=1]
 */
public final class GuardStageLatency {
    private GuardStageLatency() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        GuardQuery query = GuardBenchFixture.query3sAudioText();
        try (Guard guard = Guard.open(GuardBenchFixture.ensureModel(GuardBenchFixture.defaultDir()), GuardOptions.defaults().withIntraOpThreads(threads))) {
            for (int i = 0; i < 50; i++) guard.screen(query); // JIT and ONNX Runtime arenas
            Verdict[] v = new Verdict[n];
            for (int i = 0; i < n; i++) v[i] = guard.screen(query);
            System.out.printf("screen, 3 s audio-text query, %d prompt tokens, %d calls, %d intra-op thread(s):%n", v[0].promptTokens(), n, threads);
            print("front-end (WAV decode + log-mel)", v, t -> t.timings().frontEndMs());
            print("prompt (tokenise + embed)", v, t -> t.timings().promptMs());
            print("encoder", v, t -> t.timings().encoderMs());
            print("prefill (decoder)", v, t -> t.timings().prefillMs());
            print("total screen", v, t -> t.timings().totalMs());
        }
    }

    private static void print(String stage, Verdict[] v, ToDoubleFunction<Verdict> f) {
        double[] ms = Arrays.stream(v).mapToDouble(f).sorted().toArray();
        System.out.printf("  %-34s p50 %8.2f ms   p99 %8.2f ms%n", stage, ms[ms.length / 2], ms[(int) Math.ceil(0.99 * ms.length) - 1]);
    }
}
