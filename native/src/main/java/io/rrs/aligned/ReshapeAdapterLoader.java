package io.rrs.aligned;

import io.rrs.training.Checkpoint;
import java.nio.file.Path;

/**
 * Scope: {@code rrs eval --aligned RUN_OR_CHECKPOINT} for an {@code rrs reshape train} run: the base
 * model with the run's LoRA adapters (its {@code latest} checkpoint, or the checkpoint directory given),
 * loaded and hash-verified through {@link AlignedRun}, the base checked against prepare's record. Registered in
 * {@code META-INF/services/io.rrs.eval.AdapterCheckpointLoader}; the evaluation finds it by ServiceLoader.
 */
public final class ReshapeAdapterLoader extends LoraRunLoader {
    public ReshapeAdapterLoader() {
        super(Checkpoint.RESHAPE);
    }

    /** A run folder with checkpoints/ or a prepare output (an untrained run is refused by name when loaded). */
    @Override
    protected boolean isRunFolder(Path path) {
        return AlignedRun.looksLikeRun(path);
    }
}
