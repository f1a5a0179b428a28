package io.rrs.bench;

import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardPeer;
import io.rrs.guard.GuardQuery;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Scope: the same checkpoint ({@link BenchModel}) on both engines in one run, same thread count,
 * same 3 s audio-text query ({@link GuardBenchFixture#query3sAudioText}), latency distribution
 * (sample mode: p50/p99):
 * <ul>
 * <li>{@code prefill}: features and prompt ids precomputed (front-end excluded), to the refusal
 *     probability: libtorch {@code forward} under NoGradGuard + PointerScope vs the guard's ONNX
 *     Runtime calls (embed, encoder, splice, decoder prefill; {@link GuardPeer}). Both encoders get
 *     the guard's valid frames + 4, so both do the same work.</li>
 * <li>{@code generateRefusal}: prefill plus greedy KV-cache decoding to a refusal's length
 *     ({@link BenchModel#refusalTokens}), forced to that many tokens on both engines.</li>
 * <li>{@code screen}: WAV bytes to the refusal probability: {@code Guard.screen} vs the same Java
 *     front-end and prompt + libtorch forward + softmax of the last token.</li>
 * </ul>
 * libtorch's OpenBLAS pool ignores {@code torch.set_num_threads}, so the process must be started
 * with {@code OPENBLAS_NUM_THREADS=threads}; a mismatch fails the trial. benchmarks/engine_bench.sh
 * runs one JMH invocation per thread count for that reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(1)
public class EnginePeerBench {
    @Param({"libtorch", "onnxruntime"})
    public String engine;

    /** libtorch threads (torch + OpenBLAS) and ONNX Runtime intra-op threads. */
    @Param({"1"})
    public int threads;

    private boolean torchEngine;
    private int refusalTokens, refusalId;
    private GuardQuery query;
    private GuardPeer peer;
    private GuardPeer.Features features;
    private Guard guard;
    private Qwen2AudioModel model;
    private ModelInput input;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        torchEngine = switch (engine) {
            case "libtorch" -> true;
            case "onnxruntime" -> false;
            default -> throw new IllegalArgumentException("engine " + engine + ": use libtorch or onnxruntime");
        };
        BenchModel bm = BenchModel.fromProperties();
        var dir = bm.guardDir();
        query = GuardBenchFixture.query3sAudioText();
        // only what this benchmark method uses is loaded: a 7B model twice would not fit
        boolean screen = params.getBenchmark().endsWith(".screen");
        peer = torchEngine || screen ? GuardPeer.frontEndOnly(dir) : GuardPeer.open(dir, threads);
        features = peer.features(query);
        refusalTokens = bm.refusalTokens(peer);
        refusalId = peer.manifest().refusalTokenId();
        if (torchEngine) {
            String blas = System.getenv("OPENBLAS_NUM_THREADS");
            if (!String.valueOf(threads).equals(blas))
                throw new IllegalStateException("OPENBLAS_NUM_THREADS is " + blas + ", threads is " + threads + ": start JMH with OPENBLAS_NUM_THREADS=" + threads
                        + " (libtorch's OpenBLAS pool ignores torch.set_num_threads)");
            torch.set_num_threads(threads);
            model = bm.loadTorch();
            input = BenchModel.torchInput(features);
        } else if (screen) {
            guard = Guard.open(dir, GuardOptions.defaults().withIntraOpThreads(threads));
        }
        System.out.printf("%n%s; %s; engine %s, %d thread(s), %d prompt tokens%n", bm.describe(), bm.refusalNote(refusalTokens), engine, threads, features.ids().length);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (guard != null) guard.close();
        peer.close();
    }

    @Benchmark
    public double prefill() throws Exception {
        return torchEngine ? BenchModel.torchPrefill(model, input, refusalId) : peer.prefill(features);
    }

    @Benchmark
    public long generateRefusal() throws Exception {
        return torchEngine ? BenchModel.torchGenerate(model, input, refusalTokens)[refusalTokens - 1] : peer.generate(features, refusalTokens)[refusalTokens - 1];
    }

    @Benchmark
    public double screen() throws Exception {
        if (!torchEngine) return guard.screen(query).refusalProbability();
        try (PointerScope scope = new PointerScope()) { // frees this call's input tensors
            GuardPeer.Features f = peer.features(query); // the guard's front-end and prompt
            return BenchModel.torchPrefill(model, BenchModel.torchInput(f), refusalId);
        }
    }
}
