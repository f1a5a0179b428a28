package io.rrs.pretrain;

import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Tensors;
import io.rrs.teacher.MiniLmEncoder;
import io.rrs.teacher.WordEmbeddings;
import io.rrs.text.TextTokenizer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: the teacher's part of the {@code knowing} recipe ({@link PretrainSettings.Teacher}, docs/pretrain.md):
 * {@code embed_tokens} from all-MiniLM-L6-v2's word embeddings ({@link TeacherEmbeddings}, frozen), a linear head
 * {@code distill_head} [384, hidden] kept in the training state only, and the distillation loss: 1 - cosine between
 * the head's reading of the last prompt token's state (after the final norm: the RRS {@code h(x)}) and the teacher's
 * sentence embedding of the row's question, averaged over the batch's rows. The teacher embeds every training
 * question once when a run starts.
 */
final class Distillation {
    /** Parameters that do not train: the teacher's embedding table. */
    static final Set<String> FROZEN = Set.of(Qwen2AudioLayout.TEXT + "embed_tokens.weight");
    static final String HEAD_WEIGHT = TrainingHead.DISTILL.weight();

    private final Map<String, float[]> targets;
    private final WordEmbeddings words;
    private final Qwen2AudioConfig config;
    private final long seed;

    private Distillation(Map<String, float[]> targets, WordEmbeddings words, Qwen2AudioConfig config, long seed) {
        this.targets = targets;
        this.words = words;
        this.config = config;
        this.seed = seed;
    }

    /** Opens the teacher, checks that {@code tokenizer} numbers word pieces as it does, and embeds {@code questions} (any texts a row may ask about). */
    static Distillation open(PretrainSettings s, TextTokenizer tokenizer, Qwen2AudioConfig config, List<String> questions) throws IOException {
        try (MiniLmEncoder teacher = MiniLmEncoder.open(s.threads(), MiniLmEncoder.DEFAULT_BATCH_SIZE)) {
            List<String> vocabulary = teacher.vocabulary();
            for (int id = 0; id < vocabulary.size(); id++)
                if (id >= tokenizer.vocabSize() || !vocabulary.get(id).equals(tokenizer.tokenText(id)))
                    throw new IllegalArgumentException(s.tokenizerFile() + " does not number word pieces as the teacher does (id " + id + "); the knowing "
                            + "recipe writes and uses the teacher's word-piece tokenizer (io.rrs.teacher.MiniLmChatTokenizer)");
            float[][] embedded = teacher.encode(questions);
            Map<String, float[]> targets = new HashMap<>();
            for (int i = 0; i < questions.size(); i++) targets.put(questions.get(i), embedded[i]);
            return new Distillation(targets, teacher.wordEmbeddings(), config, s.seed());
        }
    }

    /**
     * Sets the teacher's embedding table (unless {@code fromModel}: a model folder of this recipe already holds it) and
     * adds the seeded head when absent.
     */
    void initialise(Map<String, Tensor> parameters, boolean fromModel) {
        int hidden = config.text().hiddenSize();
        if (!fromModel)
            parameters.put(Qwen2AudioLayout.TEXT + "embed_tokens.weight", TeacherEmbeddings.embedTokens(words, config.text().vocabSize(), hidden, seed));
        TrainingHead.DISTILL.addIfAbsent(parameters, hidden, seed);
    }

    /** The distillation loss of a chat batch ({@code hidden} [B, S, D]; {@code lastPrompt}: each row's last prompt position). */
    Tensor loss(Map<String, Tensor> parameters, Tensor hidden, long[] lastPrompt, List<PretrainMix.Example> rows) {
        int b = rows.size();
        long length = hidden.size(1), width = hidden.size(2);
        long[] flat = new long[b];
        for (int r = 0; r < b; r++) flat[r] = r * length + lastPrompt[r];
        return loss(parameters, hidden.reshape(b * length, width).index_select(0, Tensors.longs(flat, b)), rows);
    }

    /** The distillation loss of the rows' last prompt states {@code states} [B, D]. */
    Tensor loss(Map<String, Tensor> parameters, Tensor states, List<PretrainMix.Example> rows) {
        int b = rows.size();
        float[] target = new float[b * MiniLmEncoder.DIMENSION];
        for (int r = 0; r < b; r++) {
            float[] t = targets.get(rows.get(r).question());
            if (t == null) throw new IllegalStateException("no teacher embedding for the text '" + rows.get(r).question() + "'");
            System.arraycopy(t, 0, target, r * MiniLmEncoder.DIMENSION, t.length);
        }
        Tensor predicted = TrainingHead.DISTILL.apply(parameters, states);
        Tensor norm = predicted.pow(Tensors.scalar(2)).sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).add(Tensors.scalar(1e-12)).sqrt();
        Tensor cosine = predicted.div(norm).mul(Tensors.floats(target, b, MiniLmEncoder.DIMENSION)).sum();
        return cosine.div(Tensors.scalar(b)).neg().add(Tensors.scalar(1));
    }
}
