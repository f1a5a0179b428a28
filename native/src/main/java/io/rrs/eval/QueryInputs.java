package io.rrs.eval;

import io.rrs.data.Manifest;
import io.rrs.data.SpokenDataset;
import io.rrs.model.ModelInput;
import io.rrs.query.AudioFeatures;
import io.rrs.query.EncodedQuery;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Scope: spoken-dataset utterances as one left-padded model batch for an input condition, through the
 * model's {@link QueryEncoder} (its whole audio window, as the guard and Hugging Face's processor see
 * it), with the evaluation's prompts ({@link EvalPrompts}).
 */
public final class QueryInputs {
    private final QueryEncoder encoder;
    private final SpokenDataset data;

    public QueryInputs(QueryEncoder encoder, SpokenDataset data) {
        this.encoder = encoder;
        this.data = data;
    }

    /** Audio window in log-mel frames (every clip is padded or trimmed to it). */
    public int windowFrames() {
        return encoder.windowFrames();
    }

    public ChatTemplate template() {
        return encoder.template();
    }

    /** A batch of {@code entries} under {@code condition}, the prompt as {@link EvalPrompts} builds it. */
    public ModelInput build(List<Manifest.Entry> entries, InputCondition condition) throws IOException {
        return build(entries, condition, UnaryOperator.identity());
    }

    /**
     * A batch whose prompts are {@link EvalPrompts#prompt} passed through {@code edit} (e.g. adding
     * the refusal instruction, which may turn audio-only into audio-text). Audio is loaded when the
     * edited prompt carries audio.
     */
    public ModelInput build(List<Manifest.Entry> entries, InputCondition condition, UnaryOperator<ChatPrompt> edit) throws IOException {
        if (entries.isEmpty()) throw new IllegalArgumentException("a batch needs at least one utterance");
        List<EncodedQuery> rows = new ArrayList<>(entries.size());
        for (Manifest.Entry e : entries) {
            AudioFeatures audio = condition.hasAudio() ? encoder.features(data.wav(e)) : null;
            rows.add(encoder.encode(audio, positions -> {
                ChatPrompt p = edit.apply(EvalPrompts.prompt(condition, e.text(), positions));
                if (p.condition().hasAudio() != condition.hasAudio())
                    throw new IllegalArgumentException("a prompt edit may not add or remove audio (" + condition + " became " + p.condition() + ")");
                return p;
            }));
        }
        return ModelInput.of(encoder.batch(rows, QueryEncoder.AudioPadding.WINDOW));
    }
}
