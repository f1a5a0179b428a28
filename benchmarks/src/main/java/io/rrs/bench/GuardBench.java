package io.rrs.bench;

import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.RespondOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scope: CPU cost of the guard on {@link GuardBenchFixture}'s 3 s audio-text query, ONNX Runtime
 * with one intra-op thread per call: {@code screen} latency distribution (sample mode: p50/p99),
 * {@code respond} (32 greedy tokens with the KV cache) for comparison, and {@code screen}
 * throughput of one shared guard with 1, 2 and 4 calling threads. Per-stage times (front-end,
 * encoder, prefill) come from the verdicts: {@link GuardStageLatency}.
 *   benchmarks/guard_bench.sh
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(1)
public class GuardBench {
    public static final int NEW_TOKENS = 32;

    private Guard guard;
    private GuardQuery query;
    private RespondOptions respond;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        guard = Guard.open(GuardBenchFixture.ensureModel(GuardBenchFixture.defaultDir()), GuardOptions.defaults());
        query = GuardBenchFixture.query3sAudioText();
        respond = RespondOptions.defaults().withMaxNewTokens(NEW_TOKENS);
        // the random model must not stop early, or respond would time fewer than NEW_TOKENS steps
        int generated = guard.respond(query, respond).tokens().length;
        if (generated != NEW_TOKENS) System.err.println("note: respond generated " + generated + " tokens, not " + NEW_TOKENS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        guard.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public double screenLatency() {
        return guard.screen(query).refusalProbability();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public int respond32TokensLatency() {
        return guard.respond(query, respond).tokens().length;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(1)
    public double screenThroughput1Thread() {
        return guard.screen(query).refusalProbability();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    public double screenThroughput2Threads() {
        return guard.screen(query).refusalProbability();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(4)
    public double screenThroughput4Threads() {
        return guard.screen(query).refusalProbability();
    }
}
