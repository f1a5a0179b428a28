package io.rrs.kernels;

import java.lang.ref.Reference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The fused RRS losses on libtorch tensors, run by librrs_kernels.so on the tensors' device and
 * current CUDA stream. Every shape, dtype and device mismatch is rejected here, before any pointer
 * reaches native code; kernel failures surface as {@link KernelException}.
 *
 * <p>Trainer use: compute {@code H} with autograd, {@code r = reshapeLoss(H, H0, sign, deltaMasked)},
 * {@code r.backward(H)} (that is, {@code H.backward(dL/dH)}); {@code loraPenalty(adapters).addToGradients(adapters)}.
 */
public final class FusedLosses {
    /** Where a kernel ran. */
    public enum Path { CPU, CUDA }

    /** Loss value (0-dim float32) and dLoss/dH (dtype and device of H). */
    public record ReshapeLoss(Tensor loss, Tensor gradH, Path path) {
        /** {@code h.backward(gradH)}: sends dLoss/dH into the autograd graph that produced {@code h}. */
        public void backward(Tensor h) {
            h.backward(gradH, new BoolOptional(), false, new TensorArrayRefOptional());
        }
    }

    /** Means, delta and contributions in float64, the mask as bool, delta_m = mask * delta in float32. */
    public record ClassStatistics(Tensor meanHarmful, Tensor meanBenign, Tensor delta, Tensor contributions,
                                  Tensor mask, Tensor deltaMasked, Path path) {}

    /** Penalty (0-dim float32) and its gradients, one per adapter, in the adapters' order. */
    public record LoraPenalty(Tensor penalty, List<Tensor> gradA, List<Tensor> gradB, Path path) {
        /** Adds the gradients into each factor's {@code .grad} (created when absent), as backward would. */
        public void addToGradients(List<LoraFactors> adapters) {
            addToGradients(adapters, 1.0);
        }

        /** The gradients of {@code weight} times the penalty. */
        public void addToGradients(List<LoraFactors> adapters, double weight) {
            for (int i = 0; i < adapters.size(); i++) {
                accumulate(adapters.get(i).a(), weight == 1.0 ? gradA.get(i) : gradA.get(i).mul(new org.bytedeco.pytorch.Scalar(weight)));
                accumulate(adapters.get(i).b(), weight == 1.0 ? gradB.get(i) : gradB.get(i).mul(new org.bytedeco.pytorch.Scalar(weight)));
            }
        }

        private static void accumulate(Tensor parameter, Tensor grad) {
            Tensor existing = parameter.grad();
            if (existing.defined()) {
                existing.add_(grad);
            } else {
                parameter.mutable_grad().put(grad.clone());
            }
        }
    }

    private static final long[] SCALAR_SHAPE = new long[0];
    // Built once: every libtorch call from Java costs a JNI crossing, which dominates at B x D = 8 x 4096.
    // retainReference: kept alive even if this class initialises inside a caller's PointerScope.
    private static final TensorOptions FLOAT32 = new TensorOptions(ScalarType.Float).retainReference();

    private FusedLosses() {}

    /** {@code mean((H - H0 - sign_b * deltaMasked)^2)} over B x D and its gradient, in one pass. */
    public static ReshapeLoss reshapeLoss(Tensor h, Tensor h0, Tensor sign, Tensor deltaMasked) {
        requireDims("H", h, 2);
        long rows = h.size(0), width = h.size(1);
        int dtype = dtypeCode("H", h);
        requireShape("H0", h0, rows, width);
        if (!sameType(h0, h)) {
            throw new IllegalArgumentException("H0 has dtype " + h0.scalar_type() + " but H has " + h.scalar_type()
                    + "; convert H0 with .to(H.scalar_type())");
        }
        requireShape("sign", sign, rows);
        requireShape("deltaMasked", deltaMasked, width);
        int device = commonDevice(h, h0, sign, deltaMasked);
        Tensor hc = contiguous(h), h0c = contiguous(h0);
        Tensor signF = contiguousFloat(sign), deltaF = contiguousFloat(deltaMasked);
        Tensor grad = torch.empty_like(hc);
        Tensor loss = hc.new_empty(SCALAR_SHAPE, FLOAT32);
        NativeKernels.reshapeLoss(device, stream(device), address(hc), address(h0c), address(signF), address(deltaF),
                rows, width, dtype, address(loss), address(grad));
        Reference.reachabilityFence(new Object[] {hc, h0c, signF, deltaF});
        return new ReshapeLoss(loss, grad, path(device));
    }

    /** Class means (float64), delta, contributions {@code lmHeadRow * delta} and the mask. */
    public static ClassStatistics classStatistics(Tensor harmful, Tensor benign, Tensor lmHeadRow, FeatureMask mask) {
        requireDims("harmful", harmful, 2);
        requireDims("benign", benign, 2);
        long width = harmful.size(1);
        if (benign.size(1) != width) {
            throw new IllegalArgumentException("benign has width " + benign.size(1) + " but harmful has " + width
                    + "; both must be N x D representations of the same layer");
        }
        if (harmful.size(0) < 1 || benign.size(0) < 1) {
            throw new IllegalArgumentException("class statistics need at least one harmful and one benign row");
        }
        int dtype = dtypeCode("harmful", harmful);
        if (!sameType(benign, harmful)) {
            throw new IllegalArgumentException("benign has dtype " + benign.scalar_type() + " but harmful has "
                    + harmful.scalar_type() + "; convert one of them");
        }
        requireShape("lmHeadRow", lmHeadRow, width);
        int device = commonDevice(harmful, benign, lmHeadRow);
        Tensor hc = contiguous(harmful), bc = contiguous(benign);
        Tensor w = contiguousFloat(lmHeadRow);
        TensorOptions f64 = new TensorOptions(ScalarType.Double);
        Tensor meanH = w.new_empty(new long[] {width}, f64), meanB = w.new_empty(new long[] {width}, f64);
        Tensor delta = w.new_empty(new long[] {width}, f64), contrib = w.new_empty(new long[] {width}, f64);
        Tensor maskBytes = w.new_empty(new long[] {width}, new TensorOptions(ScalarType.Byte));
        NativeKernels.classStatistics(device, stream(device), address(hc), harmful.size(0), address(bc),
                benign.size(0), width, dtype, address(w), mask.topFraction(), address(meanH), address(meanB),
                address(delta), address(contrib), address(maskBytes));
        Reference.reachabilityFence(new Object[] {hc, bc, w});
        if (device >= 0 && torch.isnan(contrib).any().item_bool()) {  // the CPU kernel reports NaN itself
            throw new KernelException("class statistics: a contribution is NaN (a representation or lm_head row holds NaN/Inf)");
        }
        Tensor maskBool = maskBytes.to(ScalarType.Bool);
        Tensor deltaMasked = delta.mul(maskBytes.to(ScalarType.Double)).to(ScalarType.Float);
        return new ClassStatistics(meanH, meanB, delta, contrib, maskBool, deltaMasked, path(device));
    }

    /** {@code sum_i ||s_i B_i A_i||_F^2} in Gram form for all adapters in one call, with its gradients. */
    public static LoraPenalty loraPenalty(List<LoraFactors> adapters) {
        int count = adapters.size();
        long[] a = new long[count], b = new long[count], gradA = new long[count], gradB = new long[count];
        long[] outFeatures = new long[count], inFeatures = new long[count];
        int[] rank = new int[count];
        float[] scale = new float[count];
        List<Tensor> keepAlive = new ArrayList<>(), gradsA = new ArrayList<>(), gradsB = new ArrayList<>();
        Tensor[] all = new Tensor[2 * count];
        for (int i = 0; i < count; i++) {
            LoraFactors f = adapters.get(i);
            String name = "adapter " + i;
            requireDims(name + " A", f.a(), 2);
            requireDims(name + " B", f.b(), 2);
            requireFloat32(name + " A", f.a());
            requireFloat32(name + " B", f.b());
            if (f.b().size(1) != f.a().size(0)) {
                throw new IllegalArgumentException(name + ": B is " + f.b().size(0) + " x " + f.b().size(1)
                        + " but A is " + f.a().size(0) + " x " + f.a().size(1) + "; B's columns must equal A's rows (the rank)");
            }
            if (f.a().size(0) < 1 || f.a().size(1) < 1 || f.b().size(0) < 1) {
                throw new IllegalArgumentException(name + ": empty factor (rank, in and out features must be >= 1)");
            }
            Tensor ac = contiguous(f.a()), bc = contiguous(f.b());
            Tensor ga = torch.empty_like(ac), gb = torch.empty_like(bc);
            keepAlive.add(ac);
            keepAlive.add(bc);
            gradsA.add(ga);
            gradsB.add(gb);
            all[2 * i] = f.a();
            all[2 * i + 1] = f.b();
            a[i] = address(ac);
            b[i] = address(bc);
            gradA[i] = address(ga);
            gradB[i] = address(gb);
            rank[i] = Math.toIntExact(f.a().size(0));
            inFeatures[i] = f.a().size(1);
            outFeatures[i] = f.b().size(0);
            scale[i] = (float) f.scale();
        }
        int device = count == 0 ? -1 : commonDevice(all);
        Tensor penalty = count == 0 ? torch.zeros(SCALAR_SHAPE, FLOAT32) : all[0].new_empty(SCALAR_SHAPE, FLOAT32);
        NativeKernels.loraPenalty(device, stream(device), a, b, gradA, gradB, rank, outFeatures, inFeatures, scale,
                address(penalty));
        Reference.reachabilityFence(keepAlive);
        return new LoraPenalty(penalty, gradsA, gradsB, path(device));
    }

    // Data pointers are read without autograd (no detach needed); copies only when the layout requires.
    private static Tensor contiguous(Tensor t) {
        return t.is_contiguous() ? t : t.contiguous();
    }

    private static Tensor contiguousFloat(Tensor t) {
        return t.scalar_type().value == ScalarType.Float.value ? contiguous(t) : t.to(ScalarType.Float).contiguous();
    }

    private static Path path(int device) {
        return device < 0 ? Path.CPU : Path.CUDA;
    }

    private static long address(Tensor t) {
        return t.data_ptr().address();
    }

    private static int dtypeCode(String name, Tensor t) {
        ScalarType type = t.scalar_type();
        if (type.value == ScalarType.Float.value) return 0;
        if (type.value == ScalarType.BFloat16.value) return 1;
        throw new IllegalArgumentException(name + " has dtype " + type + "; the fused kernels take Float or BFloat16");
    }

    // JavaCPP may hand back ScalarType values that are not the enum constants: compare codes.
    private static boolean sameType(Tensor a, Tensor b) {
        return a.scalar_type().value == b.scalar_type().value;
    }

    private static void requireFloat32(String name, Tensor t) {
        if (t.scalar_type().value != ScalarType.Float.value) {
            throw new IllegalArgumentException(name + " has dtype " + t.scalar_type()
                    + "; the LoRA penalty kernel takes float32 factors (keep adapters in float32)");
        }
    }

    private static void requireDims(String name, Tensor t, int dims) {
        if (t == null || !t.defined()) throw new IllegalArgumentException(name + " is missing (null or undefined tensor)");
        if (t.dim() != dims) {
            throw new IllegalArgumentException(name + " must have " + dims + " dimensions, got shape " + shape(t));
        }
    }

    private static void requireShape(String name, Tensor t, long... expected) {
        requireDims(name, t, expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (t.size(i) != expected[i]) {
                throw new IllegalArgumentException(name + " has shape " + shape(t) + " but " + java.util.Arrays.toString(expected)
                        + " is required (H is B x D, sign has B entries, deltaMasked and lmHeadRow have D)");
            }
        }
    }

    static String shape(Tensor t) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < t.dim(); i++) s.append(i == 0 ? "" : ", ").append(t.size(i));
        return s.append(']').toString();
    }

    // -1 for CPU, else the shared CUDA device index; mixed devices and unusable CUDA are rejected.
    private static int commonDevice(Tensor... tensors) {
        int device = deviceIndex(tensors[0]);
        for (Tensor t : tensors) {
            if (deviceIndex(t) != device) {
                throw new IllegalArgumentException("the inputs live on different devices (" + deviceName(device) + " and "
                        + deviceName(deviceIndex(t)) + "); move them to one device first");
            }
        }
        if (device >= 0 && !NativeKernels.cudaUsable()) {
            throw new IllegalStateException("the inputs are on " + deviceName(device) + " but the kernels cannot use CUDA: "
                    + NativeKernels.describe() + "; rebuild librrs_kernels.so where nvcc is, or train with --loss reference");
        }
        return device;
    }

    private static int deviceIndex(Tensor t) {
        return t.is_cuda() ? Math.max(0, t.device().index()) : -1;
    }

    private static String deviceName(int device) {
        return device < 0 ? "cpu" : "cuda:" + device;
    }

    /**
     * libtorch's current CUDA stream for the device, so the kernels order with the surrounding ops.
     * Looked up reflectively: the CUDA stream classes need the CUDA preset, absent from CPU builds.
     * Falls back to 0 (the legacy default stream, which synchronises with libtorch's default stream).
     */
    private static long stream(int device) {
        if (device < 0) return 0;
        try {
            Class<?> cuda = Class.forName("org.bytedeco.pytorch.global.torch_cuda");
            Object stream = cuda.getMethod("getCurrentCUDAStream", byte.class).invoke(null, (byte) device);
            Method raw = stream.getClass().getMethod("stream");
            return ((Pointer) raw.invoke(stream)).address();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return 0;
        }
    }
}
