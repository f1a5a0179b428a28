package io.rrs.model;

import org.bytedeco.pytorch.Tensor;

/**
 * What a forward pass returns: logits [B, S, vocab], hidden states after the final norm
 * [B, S, hidden] (the representation RRS reshapes), and the cache when one was used.
 */
public record ModelOutput(Tensor logits, Tensor hidden, KvCache cache) {}
