package io.rrs.eval;

import io.rrs.data.Manifest;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.text.ChatPrompt;
import io.rrs.text.InputCondition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

/**
 * Scope: the last-token representations h(x) of DESIGN section 3 (final-norm hidden state at the
 * last prompt token) of test queries in the audio-text condition, in three groups: harmful,
 * benign, and harmful + refusal instruction. These are the points of the reshaped-space picture.
 */
public final class RepresentationProbe {
    /** The three groups, in plot order. */
    public static final List<String> GROUPS = List.of("harmful", "benign", "harmful + refusal instruction");

    private final QueryInputs inputs;
    private final int batchSize;
    private final InputCondition condition;

    public RepresentationProbe(QueryInputs inputs, int batchSize, InputCondition condition) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (condition == null) throw new IllegalArgumentException("the probe needs an input condition (audio-text, text-only or audio-only)");
        this.inputs = inputs;
        this.batchSize = batchSize;
        this.condition = condition;
    }

    /** Group name -> [n][hidden] representations of {@code model}, from the harmful and benign entries given. */
    public Map<String, double[][]> represent(Qwen2AudioModel model, List<Manifest.Entry> harmful, List<Manifest.Entry> benign) throws IOException {
        Map<String, double[][]> out = new LinkedHashMap<>();
        out.put(GROUPS.get(0), hidden(model, harmful, UnaryOperator.identity()));
        out.put(GROUPS.get(1), hidden(model, benign, UnaryOperator.identity()));
        out.put(GROUPS.get(2), hidden(model, harmful, ChatPrompt::withRefusalInstruction));
        return out;
    }

    private double[][] hidden(Qwen2AudioModel model, List<Manifest.Entry> entries, UnaryOperator<ChatPrompt> edit) throws IOException {
        List<double[]> rows = new ArrayList<>();
        int width = model.config().text().hiddenSize();
        for (int from = 0; from < entries.size(); from += batchSize) {
            List<Manifest.Entry> batch = entries.subList(from, Math.min(entries.size(), from + batchSize));
            float[] h;
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                ModelInput in = inputs.build(batch, condition, edit);
                h = Tensors.toFloats(model.lastTokenHidden(in));
            }
            for (int b = 0; b < batch.size(); b++) {
                double[] row = new double[width];
                for (int j = 0; j < width; j++) row[j] = h[b * width + j];
                rows.add(row);
            }
        }
        return rows.toArray(new double[0][]);
    }
}
