package io.rrs.train;

import io.rrs.eval.AdapterCheckpointLoader;
import io.rrs.model.Qwen2AudioModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Scope: {@code rrs eval --aligned RUN_OR_CHECKPOINT} for an {@code rrs reshape train} run: the base
 * model with the run's LoRA adapters (its {@code latest} checkpoint, or the checkpoint directory given),
 * loaded and hash-verified through {@link AlignedRun}. Registered in
 * {@code META-INF/services/io.rrs.eval.AdapterCheckpointLoader}; the evaluation finds it by ServiceLoader.
 */
public final class ReshapeAdapterLoader implements AdapterCheckpointLoader {
    // The last run opened: describe() and trainingLog() follow load() on the same path, and opening
    // re-hashes every checkpoint file, which is worth doing once, not three times.
    private Path openedPath;
    private AlignedRun opened;

    private AlignedRun open(Path path) throws IOException {
        if (opened == null || !path.equals(openedPath)) {
            opened = AlignedRun.open(path);
            openedPath = path;
        }
        return opened;
    }

    @Override
    public boolean accepts(Path path) {
        return AlignedRun.looksLikeRun(path);
    }

    @Override
    public Qwen2AudioModel load(Path baseDir, Qwen2AudioModel base, Path checkpoint) throws IOException {
        AlignedRun run = open(checkpoint);
        run.checkBase(baseDir);
        return run.applyTo(base);
    }

    @Override
    public String describe(Path checkpoint) {
        try {
            return open(checkpoint).describe();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // load() succeeded on the same path just before
        }
    }

    @Override
    public Path trainingLog(Path checkpoint) {
        try {
            return open(checkpoint).trainingLog();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
