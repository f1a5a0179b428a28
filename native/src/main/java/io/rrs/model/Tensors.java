package io.rrs.model;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Small bridges between Java arrays and libtorch tensors, and a few spelled-out op shorthands. */
public final class Tensors {
    private Tensors() {}

    /** A float32 tensor owning a copy of {@code data} (C order). */
    public static Tensor floats(float[] data, long... shape) {
        check(data.length, shape);
        try (FloatPointer p = new FloatPointer(data)) {
            return torch.from_blob(p, shape, new TensorOptions(ScalarType.Float)).clone();
        }
    }

    /** An int64 tensor owning a copy of {@code data} (C order). */
    public static Tensor longs(long[] data, long... shape) {
        check(data.length, shape);
        try (LongPointer p = new LongPointer(data)) {
            return torch.from_blob(p, shape, new TensorOptions(ScalarType.Long)).clone();
        }
    }

    /** The values of any real tensor as float32, C order. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    /** The values of an integer tensor as int64, C order. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Long).contiguous();
        long[] out = new long[(int) c.numel()];
        new LongPointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    /**
     * Detaches a long-lived tensor (a weight, a constant) from the innermost {@code PointerScope},
     * if any, so that closing a caller's scope does not free model state under it.
     */
    public static Tensor keep(Tensor t) {
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) {
            t.retainReference(); // detach releases the scope's reference; without ours that frees it
            scope.detach(t);
        }
        return t;
    }

    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) s[i] = t.size(i);
        return s;
    }

    public static Scalar scalar(double v) {
        return new Scalar(v);
    }

    public static TensorOptional optional(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t);
    }

    private static void check(int length, long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != length) throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + n + " values, data has " + length);
    }
}
