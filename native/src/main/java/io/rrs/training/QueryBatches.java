package io.rrs.training;

import io.rrs.model.ModelInput;
import io.rrs.query.AudioFeatures;
import io.rrs.query.EncodedQuery;
import io.rrs.query.FeatureCache;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: spoken training queries as model batches for RRS and SFT, the same way for prepare and for
 * training: the {@link QueryEncoder} of the model folder renders each query under a condition (the
 * audio-text instruction given per row, the refusal instruction on request); features are cached per
 * utterance up to a byte budget (training reads each utterance every epoch).
 */
public final class QueryBatches {
    /** What RRS and SFT keep of the frozen audio tower's output across epochs (Qwen2AudioModel.cacheAudioEmbeddings): 2 GiB. */
    public static final long AUDIO_EMBEDDING_CACHE_BYTES = 2L << 30;

    private final FeatureCache features;
    private final QueryEncoder.AudioPadding padding;

    public QueryBatches(QueryEncoder encoder, QueryEncoder.AudioPadding padding, long cacheBudgetBytes) {
        this.features = new FeatureCache(encoder, cacheBudgetBytes);
        this.padding = padding;
    }

    public ChatTemplate template() {
        return features.encoder().template();
    }

    /**
     * One batch: each query under {@code condition}; {@code instructions.get(i)} is row i's text instruction
     * (used by audio-text only); {@code refusal} appends the refusal instruction (h0(harmful + refusal)).
     */
    public ModelInput encode(List<Query> queries, InputCondition condition, List<String> instructions, boolean refusal) {
        return ModelInput.of(features.encoder().batch(queries(queries, condition, instructions, refusal), padding));
    }

    /**
     * Prompt + answer per query, for cross-entropy on the answers ({@code rrs sft train}): the same prompts and audio
     * as {@link #encode} (without the refusal instruction), followed by {@code answers.get(i)}, row i's answer ids
     * (closed with {@code <|im_end|>}, {@code ChatTemplate.encodeAnswer}).
     */
    public AnswerTokens.Batch encodeWithAnswers(List<Query> queries, InputCondition condition, List<String> instructions, List<int[]> answers) {
        if (queries.size() != answers.size()) throw new IllegalArgumentException(queries.size() + " queries but " + answers.size() + " answers");
        List<EncodedQuery> rows = queries(queries, condition, instructions, false);
        List<AnswerTokens.Sequence> seqs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) seqs.add(AnswerTokens.Sequence.of(rows.get(i).tokens().ids(), answers.get(i)));
        return AnswerTokens.leftPadded(seqs, template().padId()).withAudioOf(rows, features.encoder(), padding);
    }

    private List<EncodedQuery> queries(List<Query> queries, InputCondition condition, List<String> instructions, boolean refusal) {
        if (queries.size() != instructions.size())
            throw new IllegalArgumentException(queries.size() + " queries but " + instructions.size() + " instructions");
        List<EncodedQuery> rows = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            String instruction = instructions.get(i);
            if (condition.hasAudio() && !q.spoken())
                throw new IllegalArgumentException(q.id() + " is a written row (no recording); the " + condition + " condition needs audio: use text-only");
            AudioFeatures audio = condition.hasAudio() ? features.features(q.id(), q.wav()) : null;
            rows.add(features.encoder().encode(audio, positions -> {
                ChatPrompt p = switch (condition) {
                    case AUDIO_TEXT -> ChatPrompt.audioText(positions, instruction);
                    case TEXT_ONLY -> ChatPrompt.textOnly(q.text());
                    case AUDIO_ONLY -> ChatPrompt.audioOnly(positions);
                };
                return refusal ? p.withRefusalInstruction() : p;
            }));
        }
        return rows;
    }
}
