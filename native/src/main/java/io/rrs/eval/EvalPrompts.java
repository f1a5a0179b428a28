package io.rrs.eval;

import io.rrs.text.ChatPrompt;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;

/**
 * Scope: the exact user turn of each evaluation condition (DESIGN section 3), in one place so the
 * report, the representation probe and docs/eval.md agree.
 *
 * <ul>
 *   <li>audio-text: the question as audio + {@link Prompts#AUDIO_TEXT_INSTRUCTION};
 *   <li>text-only: the question text alone, nothing appended ({@link #TEXT_ONLY_SUFFIX} is empty):
 *       the paper's text condition feeds the question as the whole user turn, and any appended
 *       instruction would be a prompt the audio conditions do not have;
 *   <li>audio-only: the audio and no text at all.
 * </ul>
 */
public final class EvalPrompts {
    /** Appended to the question in the text-only condition: nothing (see the class comment). */
    public static final String TEXT_ONLY_SUFFIX = "";

    private EvalPrompts() {}

    /**
     * The user turn of {@code condition} for a question; {@code audioPositions} is the pooled audio
     * length ({@code AudioPositions.of(validFrames)}) and is ignored for text-only.
     */
    public static ChatPrompt prompt(InputCondition condition, String question, int audioPositions) {
        return switch (condition) {
            case AUDIO_TEXT -> ChatPrompt.audioText(audioPositions, Prompts.AUDIO_TEXT_INSTRUCTION);
            case TEXT_ONLY -> {
                if (question == null || question.isBlank())
                    throw new IllegalArgumentException("the text-only condition needs the question's text; the manifest entry has none");
                yield ChatPrompt.textOnly(question.strip() + TEXT_ONLY_SUFFIX);
            }
            case AUDIO_ONLY -> ChatPrompt.audioOnly(audioPositions);
        };
    }

    /** The condition's name in reports and JSONL ("audio-text", "text-only", "audio-only"). */
    public static String key(InputCondition condition) {
        return condition.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
