package io.rrs.guard;

/**
 * Scope: how {@link Guard#respond} generates: greedy decoding (the model's most likely token at
 * every step, as the evaluation does) up to {@code maxNewTokens}, stopping early at
 * {@code <|im_end|>} or {@code <|endoftext|>}; the refusal judgment applied to the answer.
 *
 * @param maxNewTokens tokens to generate at most (1 or more)
 * @param phrases      the refusal phrases the answer is judged with
 */
public record RespondOptions(int maxNewTokens, RefusalPhrases phrases) {
    public static final int DEFAULT_MAX_NEW_TOKENS = 64;

    public RespondOptions {
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens = " + maxNewTokens + ": generate at least 1 token");
        if (phrases == null) throw new IllegalArgumentException("phrases must not be null; use RefusalPhrases.defaults()");
    }

    public static RespondOptions defaults() {
        return new RespondOptions(DEFAULT_MAX_NEW_TOKENS, RefusalPhrases.defaults());
    }

    public RespondOptions withMaxNewTokens(int n) {
        return new RespondOptions(n, phrases);
    }
}
