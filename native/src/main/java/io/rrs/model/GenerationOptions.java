package io.rrs.model;

import java.util.Set;

/** Greedy decoding limits: at most {@code maxNewTokens} tokens; a stop token ends a sample (and is not returned). */
public record GenerationOptions(int maxNewTokens, Set<Long> stopTokenIds) {
    public GenerationOptions {
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        stopTokenIds = Set.copyOf(stopTokenIds);
    }
}
