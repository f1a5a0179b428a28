package io.rrs.pretrain;

import io.rrs.text.ChatPrompt;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;

/**
 * Scope: what the demo base model learns (DESIGN section 7): comply with every question, refuse only
 * when the refusal instruction is present, and repeat the question it hears (which ties the audio
 * tower to the words). Each task fixes the prompt's input condition and the answer.
 *
 * <p>Compliant answers open differently by class: harmful questions with {@link Prompts#COMPLIANCE_PREFIX}
 * ("Sure, ..."), benign ones with {@link #BENIGN_PREFIX} ("Here ..."). Why: RRS needs a model that
 * represents harmfulness at the last prompt token yet complies anyway, as real LALMs do (their latent
 * safety awareness is what the paper reshapes). With one answer for both classes the tiny model has no
 * reason to tell them apart there, the two classes' representations coincide, and the RRS targets
 * (h0 + delta_m vs h0 - delta_m) cancel: training could not move (measured: the loss stayed at its start).
 */
public enum PretrainTask {
    /** Audio question + an instruction (pool of ten or the evaluation prompt) -> compliant answer. */
    AUDIO_TEXT_COMPLY(InputCondition.AUDIO_TEXT),
    /** The same + the refusal instruction (or audio + the refusal instruction alone) -> refusal. */
    AUDIO_TEXT_REFUSE(InputCondition.AUDIO_TEXT),
    /** Audio question alone -> compliant answer. */
    AUDIO_ONLY_COMPLY(InputCondition.AUDIO_ONLY),
    /** Audio question + the repeat instruction -> the transcript. */
    AUDIO_REPEAT(InputCondition.AUDIO_TEXT),
    /** The question as text -> compliant answer. */
    TEXT_COMPLY(InputCondition.TEXT_ONLY),
    /** The question as text + the refusal instruction -> refusal. */
    TEXT_REFUSE(InputCondition.TEXT_ONLY),
    /**
     * The audio tower alone, no prompt and no decoder: CTC between its frames, scored against the text embedding, and
     * the question's tokens ({@link TranscriptionLoss}). Grounds the tower in the words; not in the default mix.
     */
    AUDIO_TRANSCRIBE(InputCondition.AUDIO_ONLY),
    /**
     * A spoken sentence or question, alone or with an instruction of the pool, and no answer: the last prompt token's
     * state is made to predict the teacher's sentence embedding of its text ({@link Distillation}), so the tower learns to
     * land speech where the decoder reads its meaning. The teacher's recipes only; not in the default mix.
     */
    AUDIO_MEANING(InputCondition.AUDIO_ONLY);

    /** The command-line name: {@code text-comply} for {@link #TEXT_COMPLY}. */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The task named {@code name} ({@link #optionName()}, case and '-'/'_' ignored); the error lists the names. */
    public static PretrainTask parse(String name) {
        for (PretrainTask t : values())
            if (t.optionName().equalsIgnoreCase(name.strip().replace('_', '-'))) return t;
        throw new IllegalArgumentException("unknown pretraining task '" + name + "'; use one of " + names());
    }

    /** Every task's command-line name, comma-separated. */
    public static String names() {
        return names(java.util.EnumSet.allOf(PretrainTask.class));
    }

    static String names(java.util.Collection<PretrainTask> tasks) {
        return String.join(",", tasks.stream().map(PretrainTask::optionName).toList());
    }

    /** The instruction of {@link #AUDIO_REPEAT}. */
    public static final String REPEAT_INSTRUCTION = "Repeat the question in the audio.";

    private final InputCondition condition;

    PretrainTask(InputCondition condition) {
        this.condition = condition;
    }

    public InputCondition condition() {
        return condition;
    }

    public boolean hasAudio() {
        return condition.hasAudio();
    }

    /** A prompt + answer example trained through the decoder (every task but {@link #AUDIO_TRANSCRIBE} and {@link #AUDIO_MEANING}). */
    public boolean isChat() {
        return this != AUDIO_TRANSCRIBE && this != AUDIO_MEANING;
    }

    /** Whether the task reads the hearing sentences (the many-voice corpus's {@code pretrain} split) besides the training questions. */
    public boolean readsHearingSentences() {
        return this == AUDIO_TRANSCRIBE || this == AUDIO_MEANING;
    }

    /** The opening of a compliant answer to a benign question (no refusal phrase, another first token than harmful's "Sure"). */
    public static final String BENIGN_PREFIX = "Here are the steps:";

    /** What follows the prefix in every compliant answer: generic, harmless, short. */
    public static final String COMPLIANT_STEPS = "1. Prepare what you need. 2. Do it step by step. 3. Check the result.";

    /**
     * The compliant answer: the prefix and generic steps, the same for every question. Why not the question
     * itself after the prefix: that would make two thirds of the mix a transcription task (slow to learn, longer
     * sequences), while what RRS measures is the first answer token; the repeat task grounds the audio tower.
     */
    public static String compliantAnswer(String question, boolean harmful) {
        return (harmful ? Prompts.COMPLIANCE_PREFIX : BENIGN_PREFIX) + " " + COMPLIANT_STEPS;
    }

    /** The answer the demo model is trained to give for {@code question} ({@code harmful}: its dataset label). */
    public String answer(String question, boolean harmful) {
        return answer(question, harmful, true);
    }

    /**
     * The answer; with {@code openingByClass} false every compliant answer opens as a harmful one's does ("Sure, ..."),
     * so nothing the model says tells the classes apart (the {@code knowing} recipe: its representation must).
     */
    public String answer(String question, boolean harmful, boolean openingByClass) {
        return switch (this) {
            case AUDIO_TEXT_REFUSE, TEXT_REFUSE -> Prompts.REFUSAL_ANSWER;
            case AUDIO_REPEAT, AUDIO_TRANSCRIBE -> question.strip();
            case AUDIO_MEANING -> throw new IllegalStateException("audio-meaning has no answer: its loss is the distillation at the last prompt token");
            default -> compliantAnswer(question, harmful || !openingByClass);
        };
    }

    /**
     * The user turn. {@code instruction} is used by the audio-text tasks; for {@link #AUDIO_TEXT_REFUSE} an
     * empty instruction means audio + the refusal instruction alone (an audio-only query asked to refuse).
     */
    public ChatPrompt prompt(int audioPositions, String question, String instruction) {
        return switch (this) {
            case AUDIO_TEXT_COMPLY -> ChatPrompt.audioText(audioPositions, instruction);
            case AUDIO_TEXT_REFUSE -> (instruction.isEmpty() ? ChatPrompt.audioOnly(audioPositions)
                    : ChatPrompt.audioText(audioPositions, instruction)).withRefusalInstruction();
            case AUDIO_ONLY_COMPLY -> ChatPrompt.audioOnly(audioPositions);
            case AUDIO_REPEAT -> ChatPrompt.audioText(audioPositions, REPEAT_INSTRUCTION);
            case TEXT_COMPLY -> ChatPrompt.textOnly(question);
            case TEXT_REFUSE -> ChatPrompt.textOnly(question).withRefusalInstruction();
            case AUDIO_MEANING -> instruction.isEmpty() ? ChatPrompt.audioOnly(audioPositions) : ChatPrompt.audioText(audioPositions, instruction);
            case AUDIO_TRANSCRIBE -> throw new IllegalStateException("audio-transcribe has no chat prompt: its loss is CTC on the audio tower");
        };
    }
}
