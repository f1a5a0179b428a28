package io.rrs.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Keys and values of every decoder layer for the positions seen so far, preallocated for
 * {@code capacity} positions so that a generation step writes in place instead of
 * concatenating. Stored before head repetition ([B, kv_heads, capacity, head_dim]) and after
 * rotary embedding. For inference (no gradient flows through the in-place writes).
 */
public final class KvCache {
    private final Tensor[] keys;
    private final Tensor[] values;
    private final long capacity;
    private long length;

    /** Float32 on the CPU. */
    public KvCache(Qwen2AudioConfig.TextConfig config, long batch, long capacity) {
        this(config, batch, capacity, Compute.CPU);
    }

    /** In the compute type, on the device, of {@code compute}. */
    public KvCache(Qwen2AudioConfig.TextConfig config, long batch, long capacity, Compute compute) {
        if (capacity <= 0) throw new IllegalArgumentException("KV cache capacity must be positive, got " + capacity);
        int layers = config.numHiddenLayers();
        keys = new Tensor[layers];
        values = new Tensor[layers];
        long[] shape = {batch, config.numKeyValueHeads(), capacity, config.headDim()};
        for (int i = 0; i < layers; i++) {
            keys[i] = torch.zeros(shape, compute.floats());
            values[i] = torch.zeros(shape, compute.floats());
        }
        this.capacity = capacity;
    }

    /** Positions already stored (the offset of the next write). */
    public long length() {
        return length;
    }

    public long capacity() {
        return capacity;
    }

    /**
     * Writes this step's keys/values ([B, kv_heads, n, head_dim]) of one layer at the current
     * offset and returns views over everything stored including them. Call {@link #advance}
     * once all layers have written.
     */
    Tensor[] write(int layer, Tensor k, Tensor v) {
        long n = k.size(2);
        if (length + n > capacity)
            throw new IllegalStateException("KV cache full: " + length + " + " + n + " positions exceed capacity " + capacity
                    + "; allocate it for prompt length + max new tokens");
        keys[layer].narrow(2, length, n).copy_(k);
        values[layer].narrow(2, length, n).copy_(v);
        return new Tensor[] {keys[layer].narrow(2, 0, length + n), values[layer].narrow(2, 0, length + n)};
    }

    void advance(long n) {
        length += n;
    }
}
