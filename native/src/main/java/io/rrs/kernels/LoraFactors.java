package io.rrs.kernels;

import org.bytedeco.pytorch.Tensor;

/**
 * One LoRA adapter as the penalty sees it: delta W = scale * B A with {@code a} (rank x in_features)
 * and {@code b} (out_features x rank), both float32 leaf tensors that the optimiser updates.
 */
public record LoraFactors(Tensor a, Tensor b, double scale) {}
