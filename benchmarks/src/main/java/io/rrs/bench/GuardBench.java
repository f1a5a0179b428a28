package io.rrs.bench;

import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardPeer;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.RespondOptions;
import java.nio.file.Path;
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
 * {@code respond} for comparison (a refusal's length, {@link BenchModel#refusalTokens}, and 32
 * greedy tokens, with the KV cache), and {@code screen} throughput of one shared guard with 1, 2
 * and 4 calling threads. The model is {@link BenchModel}'s ({@code -Drrs.bench.model=DIR}, else
 * the random fixture). Per-stage times (front-end, encoder, prefill) come from the verdicts:
 * {@link GuardStageLatency}.
 *   benchmarks/guard_bench.sh, benchmarks/engine_bench.sh [MODEL_DIR [LORA_RUN]]
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
    private RespondOptions respond, refusal;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BenchModel bm = BenchModel.fromProperties();
        Path dir = bm.guardDir();
        guard = Guard.open(dir, GuardOptions.defaults());
        query = GuardBenchFixture.query3sAudioText();
        respond = RespondOptions.defaults().withMaxNewTokens(NEW_TOKENS);
        try (GuardPeer peer = GuardPeer.frontEndOnly(dir)) {
            int n = bm.refusalTokens(peer);
            refusal = RespondOptions.defaults().withMaxNewTokens(n);
            System.out.printf("%n%s; %s%n", bm.describe(), bm.refusalNote(n));
        }
        // respond stops at <|im_end|>: a model that stops early would be timed over fewer steps
        for (RespondOptions o : new RespondOptions[] {respond, refusal}) {
            int generated = guard.respond(query, o).tokens().length;
            if (generated != o.maxNewTokens()) System.err.println("note: respond generated " + generated + " tokens, not " + o.maxNewTokens());
        }
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

    /** Prefill + greedy decoding to a refusal's length: what screen saves when it replaces generation. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public int respondRefusalLatency() {
        return guard.respond(query, refusal).tokens().length;
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
