package io.rrs.bench;

import io.rrs.kernels.FusedLosses;
import io.rrs.kernels.LoraFactors;
import io.rrs.kernels.ReferenceLosses;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The LoRA penalty with gradients for Qwen2-Audio-7B adapters (r = 16 on q/k/v/o/gate/up/down):
 * the fused Gram form against materialising {@code s * B A} with libtorch ops and autograd (the
 * authors' method). {@code layers} decoder layers are adapted; materialising one layer already
 * allocates ~0.8 GB per tensor pass, so the materialised side runs at layers = 1 and is scaled by
 * 32 for the full model (its cost is linear in the layer count). Memory: see {@link #memoryReport}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class LoraPenaltyBench {
    static final int RANK = 16, HIDDEN = 4096, INTERMEDIATE = 11008, LAYERS = 32;
    /** (out, in) of q, k, v, o (32 heads and 32 kv heads: all 4096 x 4096), gate, up, down. */
    static final long[][] LAYER_SHAPES = {{HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, HIDDEN},
            {INTERMEDIATE, HIDDEN}, {INTERMEDIATE, HIDDEN}, {HIDDEN, INTERMEDIATE}};

    @Param({"1"})
    public int layers;

    private List<LoraFactors> adapters;
    private PointerScope inputs;

    @Setup
    public void setUp() {
        inputs = new PointerScope();
        torch.manual_seed(3);
        adapters = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (long[] shape : LAYER_SHAPES) {
                Tensor a = torch.randn(RANK, shape[1]).mul(new Scalar(0.01)).set_requires_grad(true);
                Tensor b = torch.randn(shape[0], RANK).mul(new Scalar(0.01)).set_requires_grad(true);
                adapters.add(new LoraFactors(a, b, 4.0 / RANK));
            }
        }
        System.err.println(memoryReport(layers));
    }

    @TearDown
    public void tearDown() {
        inputs.close();
    }

    @Benchmark
    public void gramFused(Blackhole sink) {
        try (PointerScope scope = new PointerScope()) {
            FusedLosses.LoraPenalty p = FusedLosses.loraPenalty(adapters);
            sink.consume(p.penalty().item_float());
        }
    }

    @Benchmark
    public void materialisedAutograd(Blackhole sink) {
        try (PointerScope scope = new PointerScope()) {
            List<LoraFactors> leaves = new ArrayList<>();  // fresh leaves: no .grad accumulation across calls
            for (LoraFactors f : adapters) {
                leaves.add(new LoraFactors(f.a().detach().set_requires_grad(true), f.b().detach().set_requires_grad(true), f.scale()));
            }
            Tensor penalty = ReferenceLosses.loraPenalty(leaves);
            penalty.backward();
            sink.consume(penalty.item_float());
            sink.consume(leaves.get(0).a().grad().data_ptr().address());
        }
    }

    /** Bytes each method must hold, counted from the shapes (float32 matrices; the Gram form keeps float64). */
    static String memoryReport(int layers) {
        long materialised = 0, gram = 0;
        for (long[] shape : LAYER_SHAPES) {
            materialised += shape[0] * shape[1] * 4L;  // one m x n float32 matrix s*B*A per adapter
            gram += 2L * RANK * RANK * (8 + 4);        // A A^T and B^T B (float64) plus float coefficients
        }
        return String.format("LoRA penalty memory per %d layer(s): materialised s*B*A %.1f MB per tensor pass "
                        + "(autograd keeps >= 2 such tensors until backward), Gram form %.1f KB; ratio %.0fx; "
                        + "full model (%d layers): %.1f GB vs %.1f KB",
                layers, layers * materialised / 1e6, layers * gram / 1e3, (double) materialised / gram, LAYERS,
                LAYERS * materialised / 1e9, LAYERS * gram / 1e3);
    }
}
