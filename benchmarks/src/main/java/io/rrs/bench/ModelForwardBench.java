package io.rrs.bench;

import io.rrs.model.GenerationOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU latency of the libtorch model on {@link ModelBenchFixture}'s 3 s audio-text query: one
 * prefill forward pass (audio tower + decoder + logits), and greedy generation of
 * {@link #NEW_TOKENS} tokens with the KV cache (tokens/s = NEW_TOKENS / time). The torch
 * reference timing (benchmarks/model_reference_timing.py, run by benchmarks/model_bench.sh)
 * times the same files with the same thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ModelForwardBench {
    public static final int NEW_TOKENS = 32;

    @Param({"1"})
    public int threads;

    private Qwen2AudioModel model;
    private ModelInput query;
    private GenerationOptions options;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        torch.set_num_threads(threads);
        model = Qwen2AudioModel.load(ModelBenchFixture.ensure(ModelBenchFixture.defaultDir()));
        query = ModelBenchFixture.query();
        options = new GenerationOptions(NEW_TOKENS, Set.of());
    }

    @Benchmark
    public float forward3sAudioText() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            return Tensors.toFloats(model.forward(query).logits().select(1, query.length() - 1))[0];
        }
    }

    @Benchmark
    public long generate32TokensWithCache() {
        try (PointerScope scope = new PointerScope()) {
            return model.generate(query, options, true).get(0).tokens()[NEW_TOKENS - 1];
        }
    }
}
