package io.rrs.text;

/**
 * Scope: the three input conditions of the paper's evaluation (DESIGN section 3), which decide
 * what the user turn of the chat template contains.
 */
public enum InputCondition {
    /** The question as audio, plus a text instruction ("Please generate detailed steps ..."). */
    AUDIO_TEXT(true, true),
    /** The question as text only; no audio. */
    TEXT_ONLY(false, true),
    /** The question as audio only; the user turn holds no text. */
    AUDIO_ONLY(true, false);

    private final boolean hasAudio;
    private final boolean hasText;

    InputCondition(boolean hasAudio, boolean hasText) {
        this.hasAudio = hasAudio;
        this.hasText = hasText;
    }

    /** True when the user turn carries the audio placeholder. */
    public boolean hasAudio() {
        return hasAudio;
    }

    /** True when the user turn carries text (an instruction, the question, or both). */
    public boolean hasText() {
        return hasText;
    }

    /** Parses "audio-text", "text-only", "audio-only" (or the enum names), naming the choices when wrong. */
    public static InputCondition parse(String name) {
        String key = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (InputCondition c : values()) if (c.name().equals(key)) return c;
        throw new IllegalArgumentException("unknown input condition \"" + name + "\"; use audio-text, text-only or audio-only");
    }
}
