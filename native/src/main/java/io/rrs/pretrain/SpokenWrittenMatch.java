package io.rrs.pretrain;

import io.rrs.model.ModelInput;
import io.rrs.model.ModelOutput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.text.ChatTemplate;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: an optional pretraining term ({@code rrs pretrain --match-text-weight W}) that pulls the last prompt
 * token of a spoken compliant query (audio-text or audio-only) towards that of the same question asked in
 * writing (text-only), the written one held fixed (no gradient): {@code W * mean((h_spoken - h_written)^2)}.
 *
 * <p>Why: the demo model learns which questions are harmful from their words. Written, it picks that up from
 * the class-dependent first answer token within some epochs (docs/pretrain.md); spoken, the same one-token
 * signal must also teach the audio tower the words, and did not in several epochs. The match term hands the
 * audio side a dense target, the written question's whole representation, which carries the distinction:
 * what a large audio LLM has from its speech-text alignment. Only the train split is used, as for every task.
 */
final class SpokenWrittenMatch {
    /** Spoken compliant rows of a batch: their row, the padded position of their last prompt token, and the written prompts. */
    record Rows(long[] rows, long[] positions, ModelInput written) {}

    private SpokenWrittenMatch() {}

    static boolean applies(PretrainTask task) {
        return task == PretrainTask.AUDIO_TEXT_COMPLY || task == PretrainTask.AUDIO_ONLY_COMPLY;
    }

    /**
     * The rows of {@code examples} the term applies to, or null if none; {@code lengths[r]} and {@code answerStarts[r]}
     * are row r's sequence length and answer start, {@code paddedLength} the batch's length (left padding).
     */
    static Rows rows(List<PretrainMix.Example> examples, int[] lengths, int[] answerStarts, int paddedLength, ChatTemplate template) {
        List<Long> rows = new ArrayList<>(), positions = new ArrayList<>();
        List<long[]> written = new ArrayList<>();
        for (int r = 0; r < examples.size(); r++) {
            PretrainMix.Example e = examples.get(r);
            if (!applies(e.task())) continue;
            rows.add((long) r);
            positions.add((long) (paddedLength - lengths[r] + answerStarts[r] - 1));
            int[] ids = template.encode(PretrainTask.TEXT_COMPLY.prompt(0, e.question(), "")).ids();
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) l[i] = ids[i];
            written.add(l);
        }
        if (rows.isEmpty()) return null;
        return new Rows(rows.stream().mapToLong(Long::longValue).toArray(), positions.stream().mapToLong(Long::longValue).toArray(),
                ModelInput.leftPadded(written, template.padId()));
    }

    /** The spoken rows' last-prompt-token states, [k, hidden], from the batch's forward output (autograd kept). */
    static Tensor spoken(ModelOutput out, Rows rows) {
        Tensor hidden = out.hidden(); // [B, S, D], after the final norm
        Tensor flat = hidden.reshape(-1, hidden.size(2));
        long[] index = new long[rows.rows().length];
        for (int i = 0; i < index.length; i++) index[i] = rows.rows()[i] * hidden.size(1) + rows.positions()[i];
        return flat.index_select(0, Tensors.longs(index, index.length));
    }

    /** The mean squared distance to the written questions' states (computed without gradient). */
    static Tensor loss(Qwen2AudioModel model, ModelOutput out, Rows rows) {
        Tensor written;
        try (NoGradGuard g = new NoGradGuard()) {
            written = model.lastTokenHidden(rows.written()).detach();
        }
        return spoken(out, rows).sub(written).pow(Tensors.scalar(2)).mean();
    }
}
