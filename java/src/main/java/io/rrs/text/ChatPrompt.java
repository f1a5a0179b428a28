package io.rrs.text;

/**
 * Scope: one user turn before tokenisation: the input condition, how many pooled audio frames the
 * audio contributes (0 without audio), the user text (empty without text) and the system prompt.
 * The factories encode the rules of the three conditions, so an inconsistent prompt cannot be built.
 */
public record ChatPrompt(InputCondition condition, int audioPositions, String text, String system) {

    public ChatPrompt {
        if (condition == null) throw new IllegalArgumentException("condition must not be null");
        if (text == null) throw new IllegalArgumentException("text must not be null (use \"\" for none)");
        if (system == null) throw new IllegalArgumentException("system must not be null (use Prompts.DEFAULT_SYSTEM)");
        if (condition.hasAudio() && audioPositions < 1) {
            throw new IllegalArgumentException(condition + " needs at least one audio position, got " + audioPositions
                    + "; compute it with AudioPositions.of(melFrames) (io.rrs.query)");
        }
        if (!condition.hasAudio() && audioPositions != 0) {
            throw new IllegalArgumentException(condition + " carries no audio, but audioPositions = " + audioPositions);
        }
        if (condition.hasText() && text.isEmpty()) {
            throw new IllegalArgumentException(condition + " needs text (the instruction or the question)");
        }
        if (!condition.hasText() && !text.isEmpty()) {
            throw new IllegalArgumentException(condition + " carries no text, but text = \"" + text + "\"; use AUDIO_TEXT");
        }
    }

    /** Audio question plus a text instruction (e.g. {@link Prompts#AUDIO_TEXT_INSTRUCTION}). */
    public static ChatPrompt audioText(int audioPositions, String instruction) {
        return new ChatPrompt(InputCondition.AUDIO_TEXT, audioPositions, instruction, Prompts.DEFAULT_SYSTEM);
    }

    /** The question as text (optionally followed by an instruction, written into {@code text} by the caller). */
    public static ChatPrompt textOnly(String text) {
        return new ChatPrompt(InputCondition.TEXT_ONLY, 0, text, Prompts.DEFAULT_SYSTEM);
    }

    /** The question as audio only: the user turn holds the audio and nothing else. */
    public static ChatPrompt audioOnly(int audioPositions) {
        return new ChatPrompt(InputCondition.AUDIO_ONLY, audioPositions, "", Prompts.DEFAULT_SYSTEM);
    }

    /** The same prompt under another system message. */
    public ChatPrompt withSystem(String newSystem) {
        return new ChatPrompt(condition, audioPositions, text, newSystem);
    }

    /** The same prompt with the refusal instruction appended to its text (h0(x + refusal) of DESIGN section 3). */
    public ChatPrompt withRefusalInstruction() {
        if (!condition.hasText()) {
            // The refusal instruction is text; an audio-only prompt gains it as an audio-text prompt.
            return new ChatPrompt(InputCondition.AUDIO_TEXT, audioPositions, Prompts.REFUSAL_INSTRUCTION, system);
        }
        return new ChatPrompt(condition, audioPositions, Prompts.withRefusalInstruction(text), system);
    }
}
