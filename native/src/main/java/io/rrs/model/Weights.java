package io.rrs.model;

import io.rrs.model.safetensors.SafetensorsCheckpoint;
import io.rrs.model.safetensors.SafetensorsFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The model's parameters by Hugging Face name, checked against {@link Qwen2AudioLayout} before
 * anything is built. On the CPU every tensor views the memory-mapped checkpoint in its stored type,
 * without a copy (a bf16 checkpoint's resident memory stays its file size); only a float32 tensor
 * run in a 16-bit compute type is narrowed once, since that halves it. On a CUDA device each tensor
 * is copied there, in the same type rule. Layers convert a weight to the compute type where they use it.
 */
public final class Weights {
    private final Map<String, Tensor> tensors;
    /** Holds the mapped files so that zero-copy tensors stay valid. */
    private final Object owner;

    public Weights(Map<String, Tensor> tensors, Object owner) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.owner = owner;
    }

    /** Validates names and shapes (listing every problem), then maps the tensors for float32 on the CPU. */
    public static Weights load(SafetensorsCheckpoint checkpoint, Qwen2AudioConfig config, String where) throws IOException {
        return load(checkpoint, config, where, Compute.CPU);
    }

    /** Validates names and shapes (listing every problem), then maps (CPU) or copies (CUDA) the tensors. */
    public static Weights load(SafetensorsCheckpoint checkpoint, Qwen2AudioConfig config, String where, Compute compute) throws IOException {
        Map<String, long[]> expected = Qwen2AudioLayout.expected(config);
        Map<String, SafetensorsFile.Entry> present = checkpoint.entries();
        check(expected, namesAndShapes(present), where);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : expected.keySet()) out.put(name, Tensors.keep(compute.place(storedFor(checkpoint.tensor(name), compute))));
        return new Weights(out, checkpoint);
    }

    /** The stored tensor, or, for a float32 one in a 16-bit compute type, its narrowed copy. */
    private static Tensor storedFor(Tensor t, Compute compute) {
        return t.scalar_type().intern() == ScalarType.Float && compute.dtype() != ScalarType.Float ? t.to(compute.dtype()) : t;
    }

    /** Throws {@link ModelLoadException} naming every missing, unexpected or mis-shaped tensor. */
    public static void check(Map<String, long[]> expected, Map<String, long[]> present, String where) throws ModelLoadException {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misshaped = new ArrayList<>();
        expected.forEach((name, shape) -> {
            long[] got = present.get(name);
            if (got == null) missing.add(name + " " + Arrays.toString(shape));
            else if (!Arrays.equals(got, shape))
                misshaped.add(name + ": expected " + Arrays.toString(shape) + ", checkpoint has " + Arrays.toString(got));
        });
        for (String name : present.keySet()) if (!expected.containsKey(name)) unexpected.add(name);
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misshaped.isEmpty())
            throw new ModelLoadException(where, missing, unexpected, misshaped);
    }

    private static Map<String, long[]> namesAndShapes(Map<String, SafetensorsFile.Entry> entries) {
        Map<String, long[]> m = new LinkedHashMap<>();
        entries.forEach((n, e) -> m.put(n, e.shape()));
        return m;
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter named '" + name + "'");
        return t;
    }

    /** Null when absent (optional biases). */
    public Tensor getOrNull(String name) {
        return tensors.get(name);
    }

    public Map<String, Tensor> asMap() {
        return tensors;
    }

    Object owner() {
        return owner;
    }

    /**
     * Frees the tensors' native memory now (a device copy, a converted tensor) and lets go of the mapped checkpoint, instead of
     * waiting for the garbage collector. No model may use these tensors afterwards, nor share them.
     */
    public void release() {
        for (Tensor t : tensors.values()) t.close();
        if (owner instanceof SafetensorsCheckpoint c) c.release();
    }
}
