package io.rrs.aligned;

import io.rrs.sft.SftTargets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scope: {@code rrs eval --aligned / --compare NAME=RUN} for an {@code rrs sft train} run folder (its
 * {@code latest} checkpoint) or one of its checkpoints: the base with the run's LoRA, hash-verified and frozen
 * (dropout off), the base checked against {@code RUN/sft.json}, and the run's {@code train-log.jsonl} for the
 * loss plot ({@link LoraRunLoader}). Registered in {@code META-INF/services/io.rrs.eval.AdapterCheckpointLoader}
 * before the reshape loader.
 */
public final class SftAdapterLoader extends LoraRunLoader {
    public SftAdapterLoader() {
        super(SftTargets.TRAINER);
    }

    /** A run folder with sft.json (possibly not trained yet: loading then says so). */
    @Override
    protected boolean isRunFolder(Path path) {
        return Files.isRegularFile(path.resolve(SftTargets.MANIFEST));
    }
}
