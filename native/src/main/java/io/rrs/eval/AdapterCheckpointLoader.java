package io.rrs.eval;

import io.rrs.model.Qwen2AudioModel;
import io.rrs.training.TrainingLog;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Scope: the seam through which {@code rrs eval --aligned} loads "base model + LoRA checkpoint"
 * (an {@code rrs reshape train} run folder or one of its per-epoch checkpoints). The training
 * package implements it and lists the class in
 * {@code META-INF/services/io.rrs.eval.AdapterCheckpointLoader}; the evaluation finds it with
 * {@link java.util.ServiceLoader}, so it never depends on the trainer's classes. Until one is
 * registered, {@code --aligned} accepts only a complete model folder (see {@code io.rrs.eval.ModelSource}).
 */
public interface AdapterCheckpointLoader {
    /** True when {@code path} is something this loader reads (e.g. a run folder with adapter weights). */
    boolean accepts(Path path);

    /**
     * The aligned model: {@code base} (already loaded from {@code baseDir}, which the loader may
     * adapt in place through {@link Qwen2AudioModel#adaptDecoderProjections} or replace) with
     * the adapters of {@code checkpoint} applied.
     */
    Qwen2AudioModel load(Path baseDir, Qwen2AudioModel base, Path checkpoint) throws IOException;

    /** A short name for reports ("LoRA run"). */
    String describe(Path checkpoint);

    /**
     * The training log ({@value TrainingLog#FILE_NAME}) that belongs to {@code checkpoint}, for the
     * loss plot when {@code --train-log} is not given; null when there is none. The default looks
     * inside {@code checkpoint} itself; a loader whose checkpoints sit below their run folder (the
     * reshape trainer's {@code RUN/checkpoints/step-N}) points at the run's log.
     */
    default Path trainingLog(Path checkpoint) {
        Path log = checkpoint.resolve(TrainingLog.FILE_NAME);
        return java.nio.file.Files.isRegularFile(log) ? log : null;
    }
}
