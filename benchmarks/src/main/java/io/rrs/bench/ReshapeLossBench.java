package io.rrs.bench;

import io.rrs.kernels.FusedLosses;
import io.rrs.kernels.ReferenceLosses;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
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
 * The fused reshape loss (value and dL/dH from librrs_kernels.so) against the composed libtorch ops
 * with autograd backward, on CPU tensors at Qwen2-Audio-7B scale (D = 4096, B = 8). Both sides
 * produce the loss and dL/dH; each invocation frees its native temporaries (PointerScope).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReshapeLossBench {
    @Param({"8"})
    public long batch;

    @Param({"4096"})
    public long width;

    @Param({"float32", "bfloat16"})
    public String dtype;

    private Tensor h, h0, sign, deltaMasked;
    private PointerScope inputs;

    @Setup
    public void setUp() {
        inputs = new PointerScope();
        torch.manual_seed(1);
        ScalarType type = dtype.equals("bfloat16") ? ScalarType.BFloat16 : ScalarType.Float;
        h = torch.randn(batch, width).to(type);
        h0 = torch.randn(batch, width).to(type);
        sign = torch.arange(new Scalar(batch)).remainder(new Scalar(2)).mul(new Scalar(-2.0)).add(new Scalar(1.0))
                .to(ScalarType.Float);
        deltaMasked = torch.randn(width);
    }

    @TearDown
    public void tearDown() {
        inputs.close();
    }

    @Benchmark
    public void fused(Blackhole sink) {
        try (PointerScope scope = new PointerScope()) {
            FusedLosses.ReshapeLoss result = FusedLosses.reshapeLoss(h, h0, sign, deltaMasked);
            sink.consume(result.gradH().data_ptr().address());
        }
    }

    @Benchmark
    public void libtorchAutograd(Blackhole sink) {
        try (PointerScope scope = new PointerScope()) {
            Tensor leaf = h.detach().set_requires_grad(true);
            Tensor loss = ReferenceLosses.reshapeLoss(leaf, h0, sign, deltaMasked);
            loss.backward();
            sink.consume(leaf.grad().data_ptr().address());
        }
    }
}
