package io.rrs.eval;

import io.rrs.data.Manifest;
import io.rrs.model.Generated;
import io.rrs.model.GenerationOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.text.InputCondition;
import io.rrs.text.SpecialTokens;
import io.rrs.text.TextTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.bytedeco.javacpp.PointerScope;

/**
 * Scope: greedy answers of one model to every (utterance, condition) pair not yet in its
 * {@link ResponseLog}, in left-padded batches, each answer appended as soon as its batch is done.
 * Decoding stops at {@code <|im_end|>} or {@code <|endoftext|>}; special tokens are left out of the text.
 */
public final class ResponseGenerator {
    /** What one call did: answers generated now (resumed ones excluded), tokens, wall time. */
    public record Throughput(int queries, long tokens, double seconds) {
        public double queriesPerSecond() {
            return seconds > 0 ? queries / seconds : 0;
        }

        public double tokensPerSecond() {
            return seconds > 0 ? tokens / seconds : 0;
        }
    }

    private final Qwen2AudioModel model;
    private final QueryInputs inputs;
    private final GenerationOptions options;
    private final int batchSize;
    private final java.util.function.UnaryOperator<io.rrs.text.ChatPrompt> promptEdit;

    public ResponseGenerator(Qwen2AudioModel model, QueryInputs inputs, int maxNewTokens, int batchSize) {
        this(model, inputs, maxNewTokens, batchSize, java.util.function.UnaryOperator.identity());
    }

    /** @param promptEdit applied to every evaluation prompt (e.g. {@code ChatPrompt::withRefusalInstruction}) */
    public ResponseGenerator(Qwen2AudioModel model, QueryInputs inputs, int maxNewTokens, int batchSize,
                             java.util.function.UnaryOperator<io.rrs.text.ChatPrompt> promptEdit) {
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        this.model = model;
        this.inputs = inputs;
        TextTokenizer tok = inputs.template().tokenizer();
        this.options = new GenerationOptions(maxNewTokens,
                Set.of((long) tok.specialTokenId(SpecialTokens.IM_END), (long) tok.specialTokenId(SpecialTokens.END_OF_TEXT)));
        this.batchSize = batchSize;
        this.promptEdit = promptEdit;
    }

    /**
     * Answers every pair missing from {@code log}; {@code progress} (may be null) receives the bar.
     * Batches never mix conditions (text-only has no audio tensor).
     */
    public Throughput run(List<Manifest.Entry> entries, List<InputCondition> conditions, ResponseLog log, String taskName, PrintStream progress)
            throws IOException {
        int total = entries.size() * conditions.size(), already = 0;
        long tokens = 0;
        int generated = 0;
        long start = System.nanoTime();
        ProgressBarBuilder pbb = new ProgressBarBuilder().setTaskName(taskName).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(progress != null ? progress : new PrintStream(PrintStream.nullOutputStream())));
        try (ProgressBar bar = pbb.build()) {
            for (InputCondition condition : conditions) {
                String key = EvalPrompts.key(condition);
                List<Manifest.Entry> todo = new ArrayList<>();
                for (Manifest.Entry e : entries) {
                    if (log.isDone(key + "/" + e.id())) already++;
                    else todo.add(e);
                }
                bar.stepTo(already + generated);
                for (int from = 0; from < todo.size(); from += batchSize) {
                    List<Manifest.Entry> batch = todo.subList(from, Math.min(todo.size(), from + batchSize));
                    List<Generated> answers;
                    try (PointerScope scope = new PointerScope()) {
                        ModelInput in = inputs.build(batch, condition, promptEdit);
                        answers = model.generate(in, options, true);
                    }
                    for (int b = 0; b < batch.size(); b++) {
                        Manifest.Entry e = batch.get(b);
                        Generated g = answers.get(b);
                        log.append(new ResponseRecord(key, e.id(), e.promptId(), e.label(), e.category(), e.text(), decode(g.tokens()),
                                g.tokens().length, g.stopped()));
                        tokens += g.tokens().length;
                    }
                    generated += batch.size();
                    bar.stepTo(already + generated);
                }
            }
        }
        return new Throughput(generated, tokens, (System.nanoTime() - start) / 1e9);
    }

    private String decode(long[] tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < ids.length; i++) ids[i] = Math.toIntExact(tokens[i]);
        return inputs.template().tokenizer().decode(ids, true);
    }
}
