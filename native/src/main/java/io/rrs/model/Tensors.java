package io.rrs.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.bytedeco.javacpp.BytePointer;
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

    /** The values of any real tensor, on any device, as float32, C order. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().cpu().to(ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    /** The values of an integer tensor, on any device, as int64, C order. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().cpu().to(ScalarType.Long).contiguous();
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

    /**
     * Hands {@code t} from the scope {@code from} (about to close, freeing everything else made in it) to the
     * enclosing scope {@code to}: how a step keeps one result of a block and drops its intermediates at once.
     */
    public static Tensor handOver(Tensor t, PointerScope from, PointerScope to) {
        t.retainReference();
        from.detach(t); // releases from's reference
        to.attach(t); // takes one for to
        t.releaseReference();
        return t;
    }

    /**
     * Writes the bytes of a contiguous CPU tensor to {@code out}, of any size: in windows of at most
     * 1 GiB, each a buffer over its own address, since a JavaCPP buffer view is capped at 2^31 - 1 bytes
     * from the pointer's address (a view taken by position past 2 GiB is silently empty).
     */
    public static void writeBytes(Tensor t, WritableByteChannel out) throws IOException {
        if (!t.is_contiguous()) throw new IllegalArgumentException("writeBytes needs a contiguous tensor; call contiguous() first");
        long bytes = t.nbytes();
        BytePointer data = new BytePointer(t.data_ptr());
        for (long pos = 0; pos < bytes; pos += WRITE_WINDOW) {
            long n = Math.min(WRITE_WINDOW, bytes - pos);
            ByteBuffer window = data.getPointer(pos).capacity(n).asByteBuffer();
            while (window.hasRemaining()) out.write(window);
        }
    }

    private static final long WRITE_WINDOW = 1L << 30;

    /**
     * A parameter {@code w} in the floating type of the activations {@code x} (itself when it already is):
     * weights keep their stored type, layers compute in the activations'.
     */
    public static Tensor typed(Tensor w, Tensor x) {
        ScalarType type = x.scalar_type().intern();
        return w.scalar_type().intern() == type ? w : w.to(type);
    }

    /** {@code t} on the device of {@code ref} (itself when it is there already). */
    public static Tensor onDeviceOf(Tensor t, Tensor ref) {
        return ref.is_cuda() || t.is_cuda() ? t.to(ref.device(), t.scalar_type().intern()) : t;
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
