package io.rrs.eval;

import io.rrs.model.Compute;
import io.rrs.text.InputCondition;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: everything one {@code rrs eval} run needs, validated on construction.
 *
 * @param model         base model folder
 * @param aligned       aligned model folder or RRS run, or null for a base-only report
 * @param compare       more models evaluated like the aligned one (e.g. "sft" -> an SFT run), in column order; may be empty
 * @param data          spoken dataset folder (its test split is evaluated)
 * @param tokenizer     tokenizer.json to use when the base folder has none
 * @param conditions    conditions to evaluate, in report order (at least one, no repeats)
 * @param limit         evaluate the first N test utterances (harmful and benign alternating); 0 = all
 * @param maxNewTokens  greedy decoding limit per answer
 * @param batchSize     queries per forward pass
 * @param out           output folder (responses JSONL, report, plots)
 * @param judge         the refusal judge
 * @param trainLog      training log for the loss plot, or null (then the aligned run's own is used when present)
 * @param probeLimit    utterances per group for the PCA picture; 0 = all selected, -1 = no PCA picture
 * @param progress      draw progress bars on stderr
 * @param refusalInstruction append the refusal instruction to every query (checks that a base model refuses when told to)
 * @param probeCondition input condition of the PCA picture's representations (audio-text, the paper's, by default)
 * @param compute       where every compared model runs ({@code --device}, {@code --dtype})
 */
public record EvalSettings(Path model, Path aligned, Map<String, Path> compare, Path data, Path tokenizer, List<InputCondition> conditions, int limit, int maxNewTokens,
                           int batchSize, Path out, RefusalJudge judge, Path trainLog, int probeLimit, boolean progress,
                           boolean refusalInstruction, InputCondition probeCondition, Compute compute) {
    /** Float32 on the CPU. */
    public EvalSettings(Path model, Path aligned, Map<String, Path> compare, Path data, Path tokenizer, List<InputCondition> conditions, int limit,
                        int maxNewTokens, int batchSize, Path out, RefusalJudge judge, Path trainLog, int probeLimit, boolean progress,
                        boolean refusalInstruction, InputCondition probeCondition) {
        this(model, aligned, compare, data, tokenizer, conditions, limit, maxNewTokens, batchSize, out, judge, trainLog, probeLimit, progress,
                refusalInstruction, probeCondition, Compute.CPU);
    }

    public EvalSettings {
        if (compute == null) compute = Compute.CPU;
        if (model == null) throw new IllegalArgumentException("--model is required: the base model folder");
        if (data == null) throw new IllegalArgumentException("--data is required: the spoken dataset folder");
        if (out == null) throw new IllegalArgumentException("--out is required: where responses and the report go");
        if (conditions == null || conditions.isEmpty()) throw new IllegalArgumentException("--conditions needs at least one of audio-text, text-only, audio-only");
        if (conditions.stream().distinct().count() != conditions.size()) throw new IllegalArgumentException("--conditions lists a condition twice: " + conditions);
        if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0 (0 = every test utterance), got " + limit);
        if (maxNewTokens < 1) throw new IllegalArgumentException("--max-new-tokens must be >= 1, got " + maxNewTokens);
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        if (probeLimit < -1) throw new IllegalArgumentException("--probe-limit must be >= 0, or -1 for no PCA picture; got " + probeLimit);
        if (probeCondition == null) probeCondition = InputCondition.AUDIO_TEXT;
        if (judge == null) throw new IllegalArgumentException("a refusal judge is required (RefusalJudge.defaults())");
        conditions = List.copyOf(conditions);
        Map<String, Path> c = new LinkedHashMap<>();
        if (compare != null) compare.forEach((name, dir) -> {
            EvalReport.checkCompareName(name);
            if (dir == null) throw new IllegalArgumentException("--compare " + name + "= needs a folder: NAME=RUN_OR_MODEL_DIR");
            c.put(name, dir);
        });
        compare = java.util.Collections.unmodifiableMap(c);
    }

    /** The three conditions of the paper, in its order. */
    public static final List<InputCondition> ALL_CONDITIONS = List.of(InputCondition.AUDIO_TEXT, InputCondition.TEXT_ONLY, InputCondition.AUDIO_ONLY);
}
