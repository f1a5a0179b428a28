package io.rrs.guard;

/**
 * Scope: one query to the guard: audio (WAV bytes, or mono float PCM in [-1, 1] with its rate)
 * and/or text, plus an optional id echoed in the verdict. The condition follows from what is
 * present (DESIGN section 3): audio + text = audio-text (the text is the instruction), text only
 * = text-only, audio only = audio-only. Audio is decoded and resampled inside the guard, so a
 * malformed WAV becomes a screening error (or a REFUSE when fail-closed), never a crash here;
 * "nothing to screen" (no text and no or empty audio) is detected there too, after decoding.
 *
 * @param id         caller's label for the query ("" for none), echoed in the verdict
 * @param wav        WAV file bytes, or null
 * @param pcm        mono samples in [-1, 1], or null; not together with {@code wav}
 * @param sampleRate the rate of {@code pcm} in Hz (0 when there is no PCM)
 * @param text       the user text, "" for none
 */
public record GuardQuery(String id, byte[] wav, float[] pcm, int sampleRate, String text) {

    public GuardQuery {
        if (id == null) id = "";
        if (text == null) text = "";
        if (wav != null && pcm != null) throw new IllegalArgumentException("query " + id + " has both WAV bytes and PCM samples; pass one audio");
        if (pcm != null && sampleRate <= 0) throw new IllegalArgumentException("query " + id + ": PCM needs its sample rate in Hz (e.g. 16000), got " + sampleRate);
        if (pcm == null && sampleRate != 0) throw new IllegalArgumentException("query " + id + ": a sample rate (" + sampleRate + ") without PCM samples");
    }

    /** Text only. */
    public static GuardQuery text(String text) {
        return new GuardQuery("", null, null, 0, text);
    }

    /** WAV bytes, with text ("" for an audio-only query). */
    public static GuardQuery wav(byte[] wav, String text) {
        if (wav == null) throw new IllegalArgumentException("wav bytes are null; use GuardQuery.text for a text-only query");
        return new GuardQuery("", wav, null, 0, text);
    }

    /** Mono PCM in [-1, 1] at {@code sampleRate} Hz (resampled to 16 kHz by the guard), with text ("" for none). */
    public static GuardQuery pcm(float[] samples, int sampleRate, String text) {
        if (samples == null) throw new IllegalArgumentException("PCM samples are null; use GuardQuery.text for a text-only query");
        return new GuardQuery("", null, samples, sampleRate, text);
    }

    /** The same query under another id. */
    public GuardQuery withId(String newId) {
        return new GuardQuery(newId, wav, pcm, sampleRate, text);
    }

    /** True when WAV bytes or PCM samples were given (they may still decode to zero samples). */
    public boolean hasAudioInput() {
        return wav != null || pcm != null;
    }
}
