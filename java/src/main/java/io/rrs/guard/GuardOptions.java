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
 */
public record GuardOptions(int intraOpThreads, boolean cuda, boolean failClosed, LongAudio longAudio, Double threshold) {

    /** Audio longer than the model's window (guard.json frontend.chunk_seconds; 30 s for Qwen2-Audio). */
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
    }

    /** CPU, one thread per graph call, errors thrown, long audio trimmed, the manifest's threshold. */
    public static GuardOptions defaults() {
        return new GuardOptions(1, false, false, LongAudio.TRIM, null);
    }

    public GuardOptions withIntraOpThreads(int n) {
        return new GuardOptions(n, cuda, failClosed, longAudio, threshold);
    }

    public GuardOptions withCuda(boolean value) {
        return new GuardOptions(intraOpThreads, value, failClosed, longAudio, threshold);
    }

    public GuardOptions withFailClosed(boolean value) {
        return new GuardOptions(intraOpThreads, cuda, value, longAudio, threshold);
    }

    public GuardOptions withLongAudio(LongAudio value) {
        return new GuardOptions(intraOpThreads, cuda, failClosed, value, threshold);
    }

    public GuardOptions withThreshold(Double value) {
        return new GuardOptions(intraOpThreads, cuda, failClosed, longAudio, value);
    }
}
