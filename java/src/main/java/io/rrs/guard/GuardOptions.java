package io.rrs.guard;

/**
 * Scope: how a {@link Guard} is opened: ONNX Runtime threads, execution provider, fail-closed
 * behaviour, what to do with audio longer than the model window, and an optional threshold that
 * replaces the manifest's (for operators who tune the ALLOW/REFUSE trade-off on their own data).
 *
 * @param intraOpThreads ONNX Runtime threads per graph call (1 or more); several guard calls run in parallel on top
 * @param cuda           use the CUDA execution provider; opening fails, naming the providers present, when it is not available
 * @param failClosed     any failure inside {@code screen} yields a REFUSE verdict carrying the error instead of an exception
 * @param longAudio      audio beyond the model window: trimmed (flagged in the verdict) or rejected
 * @param threshold      refusal-probability threshold in [0, 1], or null for the manifest's value
 * @param decision       how the refusal probability becomes a verdict (null: {@link Decision#THRESHOLD})
 */
public record GuardOptions(int intraOpThreads, boolean cuda, boolean failClosed, LongAudio longAudio, Double threshold, Decision decision) {

    /** How {@code screen} decides. */
    public enum Decision {
        /** REFUSE when p(refusal token) >= the threshold (guard.json's calibrated one, or the option's). */
        THRESHOLD,
        /**
         * REFUSE when the refusal token is the most probable next token: exactly the first step of greedy
         * {@code respond}, so screen then agrees with "does respond refuse?" whenever the refusal shows in the first
         * token. Differs from THRESHOLD 0.5 when the probability is split (measured: an SFT model with p 0.45-0.5).
         */
        GREEDY
    }

    /** Audio longer than the model's window (the chunk_length of the export's preprocessor_config.json; 30 s for Qwen2-Audio). */
    public enum LongAudio {
        /** Keep the first window, as the Hugging Face processor does (truncation=True); the verdict says it was trimmed. */
        TRIM,
        /** Refuse to screen it: an error (or REFUSE when fail-closed). */
        REJECT
    }

    public GuardOptions {
        if (intraOpThreads < 1) throw new IllegalArgumentException("intraOpThreads = " + intraOpThreads + ": use 1 or more");
        if (longAudio == null) throw new IllegalArgumentException("longAudio must not be null (TRIM or REJECT)");
        if (threshold != null && !(threshold >= 0 && threshold <= 1))
            throw new IllegalArgumentException("threshold = " + threshold + " is not a probability in [0, 1]");
        if (decision == null) decision = Decision.THRESHOLD;
    }

    /** CPU, one thread per graph call, errors thrown, long audio trimmed, the manifest's threshold. */
    public static GuardOptions defaults() {
        return new GuardOptions(1, false, false, LongAudio.TRIM, null, Decision.THRESHOLD);
    }

    public GuardOptions withIntraOpThreads(int n) {
        return new GuardOptions(n, cuda, failClosed, longAudio, threshold, decision);
    }

    public GuardOptions withCuda(boolean value) {
        return new GuardOptions(intraOpThreads, value, failClosed, longAudio, threshold, decision);
    }

    public GuardOptions withFailClosed(boolean value) {
        return new GuardOptions(intraOpThreads, cuda, value, longAudio, threshold, decision);
    }

    public GuardOptions withLongAudio(LongAudio value) {
        return new GuardOptions(intraOpThreads, cuda, failClosed, value, threshold, decision);
    }

    public GuardOptions withThreshold(Double value) {
        return new GuardOptions(intraOpThreads, cuda, failClosed, longAudio, value, decision);
    }

    public GuardOptions withDecision(Decision value) {
        return new GuardOptions(intraOpThreads, cuda, failClosed, longAudio, threshold, value);
    }
}
