package io.rrs.reshape;

import io.rrs.model.Compute;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.query.QueryEncoder;
import io.rrs.text.InputCondition;
import java.nio.file.Path;

/**
 * Scope: settings of {@code rrs reshape prepare}: which model and data, where the run lives, the input
 * condition of the frozen-model representations (audio-text by default, the paper's), the feature mask
 * (positive contributions by default, or top-m%), how many training queries per class (0 = all), the
 * batch size of the frozen forward passes, the seed of the subset choice, the statistics path
 * (fused kernel by default, libtorch reference as a check) and the audio padding (the model window by
 * default; training uses the same) and where the model runs ({@code --device}, {@code --dtype}).
 */
public record PrepareConfig(Path modelDir, Path dataDir, Path runDir, InputCondition condition, FeatureMask mask,
                            int limitPerClass, int batchSize, long seed, RrsObjective.Path statisticsPath, QueryEncoder.AudioPadding audioPadding,
                            Compute compute) {
    /** Float32 on the CPU. */
    public PrepareConfig(Path modelDir, Path dataDir, Path runDir, InputCondition condition, FeatureMask mask,
                         int limitPerClass, int batchSize, long seed, RrsObjective.Path statisticsPath, QueryEncoder.AudioPadding audioPadding) {
        this(modelDir, dataDir, runDir, condition, mask, limitPerClass, batchSize, seed, statisticsPath, audioPadding, Compute.CPU);
    }

    public PrepareConfig(Path modelDir, Path dataDir, Path runDir, InputCondition condition, FeatureMask mask, int limitPerClass, int batchSize,
                         long seed, RrsObjective.Path statisticsPath) {
        this(modelDir, dataDir, runDir, condition, mask, limitPerClass, batchSize, seed, statisticsPath, QueryEncoder.AudioPadding.WINDOW);
    }

    public PrepareConfig {
        if (audioPadding == null) audioPadding = QueryEncoder.AudioPadding.WINDOW;
        if (compute == null) compute = Compute.CPU;
        if (modelDir == null) throw new IllegalArgumentException("--model DIR is required (config.json, model.safetensors, tokenizer.json)");
        if (dataDir == null) throw new IllegalArgumentException("--data DIR is required (the spoken dataset, e.g. data/rrs)");
        if (runDir == null) throw new IllegalArgumentException("--run DIR is required (where prepare and train keep their files)");
        if (condition == null) condition = InputCondition.AUDIO_TEXT;
        if (mask == null) mask = FeatureMask.positive();
        if (statisticsPath == null) statisticsPath = RrsObjective.Path.FUSED;
        if (limitPerClass < 0) throw new IllegalArgumentException("--limit " + limitPerClass + " must be >= 0 (0 = every training query)");
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size " + batchSize + " must be >= 1");
    }
}
