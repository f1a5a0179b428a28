package io.rrs.pretrain;

import io.rrs.model.Tensors;
import io.rrs.teacher.MiniLmEncoder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: a linear head that lives only in a training state ({@code PREFIX weight} [rows, hidden] and {@code PREFIX bias}):
 * it trains beside the model, is saved and resumed with the state, and is left out of every model folder. The
 * distillation head ({@link Distillation}) and the spelling head ({@link Spelling}).
 */
record TrainingHead(String prefix, int rows, long seedSalt) {
    static final TrainingHead DISTILL = new TrainingHead("distill_head.", MiniLmEncoder.DIMENSION, 0x64697374L);
    static final TrainingHead SPELL = new TrainingHead("spelling_head.", Spelling.PER_FRAME * Spelling.SYMBOLS, 0x7370656CL);
    private static final List<TrainingHead> ALL = List.of(DISTILL, SPELL);

    String weight() {
        return prefix + "weight";
    }

    String bias() {
        return prefix + "bias";
    }

    /** Whether {@code name} is a tensor of a training head (one the model folder leaves out). */
    static boolean owns(String name) {
        return ALL.stream().anyMatch(h -> name.startsWith(h.prefix()));
    }

    /** Adds the head, N(0, 1/hidden) weights seeded by {@code seed} and a zero bias, unless {@code parameters} hold it (a resumed state). */
    void addIfAbsent(Map<String, Tensor> parameters, int hidden, long seed) {
        if (parameters.containsKey(weight())) return;
        Random rnd = new Random(seed ^ seedSalt);
        float[] w = new float[rows * hidden];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() / Math.sqrt(hidden));
        parameters.put(weight(), Tensors.floats(w, rows, hidden));
        parameters.put(bias(), Tensors.floats(new float[rows], rows));
    }

    /** {@code x} [N, hidden] through the head: [N, rows]. */
    Tensor apply(Map<String, Tensor> parameters, Tensor x) {
        return x.matmul(parameters.get(weight()).t()).add(parameters.get(bias()));
    }
}
