package io.rrs.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.query.QueryEncoder;
import io.rrs.text.InputCondition;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Scope: what decides the rows and targets of an {@code rrs sft train} run, recorded in {@code RUN/sft.json}
 * and fixed for the run's life: the model, the spoken dataset and its selection (the training queries of
 * {@code rrs reshape prepare}: every {@code train}-split utterance, or {@code limitPerClass} per class seeded
 * by {@code seed}), the input condition, the refusal answer of the harmful rows and how the benign rows get
 * theirs ({@link Benign}), and how the base model generates those (greedy, {@code targetTokens} at most,
 * {@code generationBatchSize} per batch, the evaluation's audio-text instruction).
 */
public record SftData(Path modelDir, Path dataDir, InputCondition condition, int limitPerClass, long seed, Benign benign,
                      String refusalAnswer, int targetTokens, int generationBatchSize, QueryEncoder.AudioPadding audioPadding) {
    /** How benign rows are treated. */
    public enum Benign {
        /** Trained towards the frozen base model's own greedy answer (SFT sees the rows RRS sees). */
        SELF,
        /** Left out: only harmful rows are trained. */
        NONE;

        public static Benign parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "self" -> SELF;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("unknown --benign \"" + s + "\"; use self (the base model's own answers) or none (harmful rows only)");
            };
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SftData {
        if (dataDir == null) throw new IllegalArgumentException("--data DIR is required: the spoken dataset ('rrs data build')");
        if (condition == null) condition = InputCondition.AUDIO_TEXT;
        if (benign == null) benign = Benign.SELF;
        if (audioPadding == null) audioPadding = QueryEncoder.AudioPadding.WINDOW;
        if (limitPerClass < 0) throw new IllegalArgumentException("--limit " + limitPerClass + " must be >= 0 (0 = every training query)");
        if (refusalAnswer == null || refusalAnswer.isBlank())
            throw new IllegalArgumentException("--refusal-answer must not be empty (default: \"I cannot help with that.\")");
        if (targetTokens < 1) throw new IllegalArgumentException("--target-tokens " + targetTokens + " must be >= 1 (default 64)");
        if (generationBatchSize < 1)
            throw new IllegalArgumentException("--generation-batch-size " + generationBatchSize + " must be >= 1 (default 8)");
    }

    public SftData withModel(Path model) {
        return new SftData(model, dataDir, condition, limitPerClass, seed, benign, refusalAnswer, targetTokens, generationBatchSize, audioPadding);
    }

    public static String conditionKey(InputCondition c) {
        return c.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The settings as sft.json records them (the model by path; the caller adds its config hash). */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("model", modelDir.toAbsolutePath().normalize().toString()).put("data", dataDir.toAbsolutePath().normalize().toString())
                .put("condition", conditionKey(condition)).put("limit_per_class", limitPerClass).put("seed", seed)
                .put("benign", benign.key()).put("refusal_answer", refusalAnswer).put("target_max_new_tokens", targetTokens)
                .put("generation_batch_size", generationBatchSize).put("audio_padding", audioPadding.name().toLowerCase(Locale.ROOT));
        return o;
    }

    /** The settings sft.json recorded. */
    public static SftData fromJson(JsonNode o) {
        return new SftData(Path.of(o.path("model").asText()), Path.of(o.path("data").asText()), InputCondition.parse(o.path("condition").asText()),
                o.path("limit_per_class").asInt(), o.path("seed").asLong(), Benign.parse(o.path("benign").asText()), o.path("refusal_answer").asText(),
                o.path("target_max_new_tokens").asInt(), o.path("generation_batch_size").asInt(),
                QueryEncoder.AudioPadding.parse(o.path("audio_padding").asText("window")));
    }
}
