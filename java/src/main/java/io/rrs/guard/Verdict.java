package io.rrs.guard;

/**
 * Scope: the result of {@link Guard#screen}: the decision, the numbers it rests on and where the
 * time went. Serialised as-is (Jackson, record components) by {@code rrs guard screen}.
 *
 * @param id                 the query's id
 * @param decision           ALLOW or REFUSE
 * @param score              the projection of h_last on delta_m / |delta_m| when the manifest has delta_m,
 *                           else the refusal-token probability (docs/guard.md)
 * @param refusalProbability softmax(logits at the last prompt token)[refusal token]
 * @param threshold          the threshold compared with {@code refusalProbability} (REFUSE when >=)
 * @param condition          audio-text, text-only or audio-only; null when the query failed before it was known
 * @param promptTokens       length of the prompt fed to the decoder (0 on failure)
 * @param audioSeconds       audio duration after decoding, before trimming (0 without audio)
 * @param audioTrimmed       true when audio beyond the model window was cut
 * @param error              null, or the failure that made a fail-closed guard REFUSE
 * @param timings            per-stage times
 */
public record Verdict(String id, Decision decision, double score, double refusalProbability, double threshold, String condition,
                      int promptTokens, double audioSeconds, boolean audioTrimmed, String error, Timings timings) {

    public enum Decision { ALLOW, REFUSE }

    /**
     * Milliseconds per stage of one query: front-end (WAV decode, resampling, log-mel), prompt
     * (tokenise and embed), encoder, prefill (decoder pass), total (wall time of the call).
     */
    public record Timings(double frontEndMs, double promptMs, double encoderMs, double prefillMs, double totalMs) {
        public static final Timings NONE = new Timings(0, 0, 0, 0, 0);
    }

    public Verdict {
        if (decision == null) throw new IllegalArgumentException("decision must not be null");
        if (timings == null) timings = Timings.NONE;
    }

    public boolean refused() {
        return decision == Decision.REFUSE;
    }

    /** A fail-closed verdict: REFUSE because screening failed with {@code error}. */
    static Verdict failedClosed(String id, double threshold, String error, double totalMs) {
        return new Verdict(id, Decision.REFUSE, Double.NaN, Double.NaN, threshold, null, 0, 0, false, error, new Timings(0, 0, 0, 0, totalMs));
    }
}
