package io.rrs.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Greedy decoding over a left-padded batch. With the cache, the prompt is encoded once and
 * each step feeds one token per sample; without it, each step reruns the whole sequence (slow,
 * kept as the check that the cache changes nothing). Samples that stopped keep being fed (their
 * outputs are ignored) so the batch stays rectangular.
 */
final class Generator {
    private final Qwen2AudioModel model;

    Generator(Qwen2AudioModel model) {
        this.model = model;
    }

    List<Generated> generate(ModelInput in, GenerationOptions options, boolean useCache) {
        int batch = (int) in.batchSize(), prompt = (int) in.length();
        long[] promptIds = Tensors.toLongs(in.inputIds()), promptMask = Tensors.toLongs(in.attentionMask());
        List<List<Long>> tokens = new ArrayList<>();
        for (int b = 0; b < batch; b++) tokens.add(new ArrayList<>());
        boolean[] done = new boolean[batch], stopped = new boolean[batch];
        int max = options.maxNewTokens();
        // all tokens so far (prompt + generated), for the cache-free path and the growing mask
        long[][] ids = new long[batch][prompt + max], mask = new long[batch][prompt + max];
        for (int b = 0; b < batch; b++)
            for (int s = 0; s < prompt; s++) {
                ids[b][s] = promptIds[b * prompt + s];
                mask[b][s] = promptMask[b * prompt + s];
            }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            KvCache cache = useCache ? model.newCache(batch, prompt + max) : null;
            long[] next;
            try (PointerScope scope = new PointerScope()) {
                ModelOutput out = useCache ? model.forward(in, cache) : model.forward(in);
                next = argmaxLast(out.logits());
            }
            for (int step = 0; ; step++) {
                boolean all = true;
                for (int b = 0; b < batch; b++) {
                    if (!done[b]) {
                        if (options.stopTokenIds().contains(next[b])) {
                            done[b] = true;
                            stopped[b] = true;
                        } else {
                            tokens.get(b).add(next[b]);
                            if (tokens.get(b).size() >= max) done[b] = true;
                        }
                    }
                    all &= done[b];
                }
                if (all) break;
                int length = prompt + step + 1;
                for (int b = 0; b < batch; b++) {
                    ids[b][length - 1] = next[b];
                    mask[b][length - 1] = 1;
                }
                try (PointerScope scope = new PointerScope()) {
                    Tensor fullMask = Tensors.longs(flatten(mask, length), batch, length);
                    ModelOutput out;
                    if (useCache) {
                        out = model.run(Tensors.longs(next, batch, 1), fullMask, null, 0, cache, Qwen2AudioModel.Logits.LAST);
                    } else {
                        out = model.run(Tensors.longs(flatten(ids, length), batch, length), fullMask, in, prompt, null, Qwen2AudioModel.Logits.LAST);
                    }
                    next = argmaxLast(out.logits());
                }
            }
        }
        List<Generated> result = new ArrayList<>();
        for (int b = 0; b < batch; b++)
            result.add(new Generated(tokens.get(b).stream().mapToLong(Long::longValue).toArray(), stopped[b]));
        return result;
    }

    private static long[] argmaxLast(Tensor logits) {
        Tensor last = logits.select(1, logits.size(1) - 1);
        return Tensors.toLongs(last.argmax(new org.bytedeco.pytorch.LongOptional(-1), false));
    }

    private static long[] flatten(long[][] rows, int length) {
        long[] out = new long[rows.length * length];
        for (int b = 0; b < rows.length; b++) System.arraycopy(rows[b], 0, out, b * length, length);
        return out;
    }
}
