package io.rrs.reshape;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.SourceDataset;
import io.rrs.data.SpokenDataset;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.io.AtomicFiles;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.FusedLosses;
import io.rrs.kernels.ReferenceLosses;
import io.rrs.kernels.RrsObjective;
import io.rrs.model.ModelInput;
import io.rrs.model.OpenedModel;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.training.Progress;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import io.rrs.training.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: step 1-4 of the method (DESIGN section 3) for {@code rrs reshape prepare}: the frozen model's
 * h0 for harmful, harmful + refusal instruction, and benign training queries (last prompt token, after
 * the final norm), the shift delta, the contributions against the lm_head row of the refusal token,
 * the mask and the fixed targets {@code h0 +/- delta_m}; all saved in {@code RUN/prepare/} (see
 * {@link PreparedRun}). The prompt is the evaluation's audio-text instruction unless another condition
 * is chosen.
 */
public final class ReshapePrepare {
    private ReshapePrepare() {}

    /** Runs prepare; {@code progress} hears how many of the 2 x harmful + benign forward passes are done. */
    public static PreparedRun run(PrepareConfig config, Progress progress) throws IOException {
        Path target = config.runDir().resolve(PreparedRun.DIR);
        if (Files.exists(target))
            throw new IOException(target + " already exists; its targets may already be in use by checkpoints. Use a new --run DIR, or delete "
                    + target + " to prepare again");
        try (OpenedModel opened = OpenedModel.open(config.modelDir(), config.compute())) { // frees the tokenizer's native memory when the stage ends
            SpokenDataset data = SpokenDataset.open(config.dataDir());
            List<Query> harmful = select(data, SourceDataset.Label.HARMFUL, config);
            List<Query> benign = select(data, SourceDataset.Label.BENIGN, config);
            if (harmful.isEmpty() || benign.isEmpty())
                throw new IOException(config.dataDir() + " has " + harmful.size() + " harmful and " + benign.size()
                        + " benign training utterances; both are needed (rebuild with 'rrs data build')");
            opened.model().cacheAudioEmbeddings(QueryBatches.AUDIO_EMBEDDING_CACHE_BYTES); // the tower is frozen: once per clip
            QueryBatches encoder = new QueryBatches(opened.queries(), config.audioPadding(), 0);
            long total = 2L * harmful.size() + benign.size();
            long[] done = {0};
            java.util.function.IntConsumer step = n -> progress.update(done[0] += n, total, "frozen representations");
            Tensor h0Harmful = representations(opened.model(), encoder, harmful, config.condition(), config.batchSize(), false, step);
            Tensor h0Refusal = representations(opened.model(), encoder, harmful, config.condition(), config.batchSize(), true, step);
            Tensor h0Benign = representations(opened.model(), encoder, benign, config.condition(), config.batchSize(), false, step);

            int refusalToken = opened.tokenizer().refusalTokenId();
            Tensor storedRow = opened.model().weights().get(Qwen2AudioLayout.LM_HEAD).select(0, refusalToken);
            Tensor lmHeadRow = Tensors.floats(Tensors.toFloats(storedRow), storedRow.size(0)); // float32 on the CPU, as the representations
            Statistics stats = statistics(config.statisticsPath(), h0Refusal, h0Benign, lmHeadRow, config.mask());
            ClassSeparation separation = ClassSeparation.of(rows(h0Harmful), questions(harmful), rows(h0Benign), questions(benign), config.seed());

            // Targets use the representations without the refusal instruction: harmful + delta_m, benign - delta_m.
            long nh = harmful.size(), nb = benign.size();
            Tensor h0 = torch.cat(new TensorVector(h0Harmful, h0Benign), 0);
            Tensor sign = torch.cat(new TensorVector(torch.ones(nh), torch.ones(nb).neg()), 0);
            Tensor targets = h0.add(sign.unsqueeze(1).mul(stats.deltaMasked().unsqueeze(0)));

            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("h0_harmful", h0Harmful);
            out.put("h0_harmful_refusal", h0Refusal);
            out.put("h0_benign", h0Benign);
            out.put("lm_head_row", lmHeadRow);
            out.put("delta_masked", stats.deltaMasked());
            out.put("h0", h0);
            out.put("targets", targets);
            out.put("sign", sign);

            ObjectNode s = RunFiles.JSON.createObjectNode();
            s.put("refusal_token", Prompts.REFUSAL_TOKEN).put("refusal_token_id", refusalToken).put("mask_rule", config.mask().toString())
                    .put("mask_top_fraction", config.mask().topFraction()).put("kept_features", stats.kept()).put("statistics_path", config.statisticsPath().name());
            putDoubles(s.putArray("mean_harmful_refusal"), stats.meanHarmful());
            putDoubles(s.putArray("mean_benign"), stats.meanBenign());
            putDoubles(s.putArray("delta"), stats.delta());
            putDoubles(s.putArray("contributions"), stats.contributions());
            separation.writeTo(s.putObject("class_separation"));
            ArrayNode maskArray = s.putArray("mask");
            for (long v : Tensors.toLongs(stats.mask())) maskArray.add(v != 0);

            ObjectNode manifest = RunFiles.JSON.createObjectNode();
            manifest.put("model", config.modelDir().toAbsolutePath().normalize().toString())
                    .put("model_config_sha256", AtomicFiles.sha256(config.modelDir().resolve("config.json")))
                    .put("data", config.dataDir().toAbsolutePath().normalize().toString())
                    .put("condition", config.condition().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    .put("instruction", Prompts.AUDIO_TEXT_INSTRUCTION).put("limit_per_class", config.limitPerClass())
                    .put("seed", config.seed()).put("audio_padding", config.audioPadding().name().toLowerCase(java.util.Locale.ROOT)).put("harmful_rows", nh).put("benign_rows", nb)
                    .put("hidden_size", opened.model().config().text().hiddenSize());
            manifest.set("front_end", PreprocessorConfig.toJson(opened.queries().frontEnd()));
            ArrayNode qs = manifest.putArray("queries");
            for (List<Query> group : List.of(harmful, benign))
                for (Query q : group) q.writeTo(qs.addObject());
            PreparedRun.write(config.runDir(), out, s, manifest);
            return PreparedRun.load(config.runDir());
        }
    }

    /** A [n, hidden] float tensor as rows. */
    static float[][] rows(Tensor t) {
        long[] shape = Tensors.shape(t);
        float[] flat = Tensors.toFloats(t);
        float[][] out = new float[(int) shape[0]][(int) shape[1]];
        for (int i = 0; i < out.length; i++) System.arraycopy(flat, i * out[i].length, out[i], 0, out[i].length);
        return out;
    }

    /** Means (float64), delta, contributions, mask (bool), delta_m (float32) and the kept count. */
    record Statistics(Tensor meanHarmful, Tensor meanBenign, Tensor delta, Tensor contributions, Tensor mask, Tensor deltaMasked, long kept) {}

    static Statistics statistics(RrsObjective.Path path, Tensor harmfulRefusal, Tensor benign, Tensor lmHeadRow, FeatureMask mask) {
        Tensor mh, mb, delta, contrib, keep, deltaMasked;
        if (io.rrs.kernels.KernelPath.resolve(path) == RrsObjective.Path.FUSED) {
            FusedLosses.ClassStatistics s = FusedLosses.classStatistics(harmfulRefusal, benign, lmHeadRow, mask);
            mh = s.meanHarmful(); mb = s.meanBenign(); delta = s.delta(); contrib = s.contributions(); keep = s.mask(); deltaMasked = s.deltaMasked();
        } else {
            Tensor[] r = ReferenceLosses.classStatistics(harmfulRefusal, benign, lmHeadRow, mask);
            mh = r[0]; mb = r[1]; delta = r[2]; contrib = r[3]; keep = r[4];
            deltaMasked = delta.mul(keep.to(torch.ScalarType.Double)).to(torch.ScalarType.Float);
        }
        long kept = keep.to(torch.ScalarType.Long).sum().item_long();
        return new Statistics(mh, mb, delta, contrib, keep, deltaMasked, kept);
    }

    private static List<Query> select(SpokenDataset data, SourceDataset.Label label, PrepareConfig config) {
        return Query.trainSplit(data, label, config.limitPerClass(), config.seed(), config.condition());
    }

    /** The frozen last-prompt-token states [queries, hidden] of {@code queries} in {@code condition}, {@code batchSize} at a time. */
    static Tensor representations(Qwen2AudioModel model, QueryBatches encoder, List<Query> queries, InputCondition condition, int batchSize,
                                  boolean refusal, java.util.function.IntConsumer progress) {
        long width = model.config().text().hiddenSize();
        float[] rows = new float[(int) (queries.size() * width)];
        for (int start = 0; start < queries.size(); start += batchSize) {
            List<Query> batch = queries.subList(start, Math.min(queries.size(), start + batchSize));
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                ModelInput in = encoder.encode(batch, condition, Collections.nCopies(batch.size(), Prompts.AUDIO_TEXT_INSTRUCTION), refusal);
                float[] h = Tensors.toFloats(model.lastTokenHidden(in));
                System.arraycopy(h, 0, rows, (int) (start * width), h.length);
            }
            progress.accept(batch.size());
        }
        return Tensors.floats(rows, queries.size(), width);
    }

    private static String[] questions(List<Query> queries) {
        return queries.stream().map(Query::text).toArray(String[]::new);
    }

    private static void putDoubles(ArrayNode array, Tensor t) {
        Tensor c = t.to(torch.ScalarType.Double).contiguous();
        double[] v = new double[(int) c.numel()];
        new org.bytedeco.javacpp.DoublePointer(c.data_ptr()).capacity(v.length).get(v);
        for (double d : v) array.add(d);
    }
}
