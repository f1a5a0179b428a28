package io.rrs.aligned;

import io.rrs.model.Qwen2AudioModel;
import io.rrs.eval.AdapterCheckpointLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Scope: what the {@code rrs eval --aligned / --compare} loaders of the LoRA trainers share
 * ({@link ReshapeAdapterLoader}, {@code io.rrs.aligned.SftAdapterLoader}): the base with the run's adapters
 * (its {@code latest} checkpoint, or the checkpoint directory given), hash-verified and frozen through
 * {@link AlignedRun} (dropout off, no autograd), the base model checked against the run's record, and the
 * run's {@code train-log.jsonl} for the loss plot. A loader takes the checkpoints whose settings name its
 * trainer ({@link AlignedRun#trainerOf}) and the run folders it recognises before any checkpoint exists.
 */
public abstract class LoraRunLoader implements AdapterCheckpointLoader {
    private final String trainer;
    // The last run opened: describe() and trainingLog() follow load() on the same path, and opening
    // re-hashes every checkpoint file, which is worth doing once, not three times.
    private Path openedPath;
    private AlignedRun opened;

    protected LoraRunLoader(String trainer) {
        this.trainer = trainer;
    }

    /** True for a run folder of this trainer that may have no readable checkpoint yet (so the error can say what is missing). */
    protected abstract boolean isRunFolder(Path path);

    private AlignedRun open(Path path) throws IOException {
        if (opened == null || !path.equals(openedPath)) {
            opened = AlignedRun.open(path, trainer);
            openedPath = path;
        }
        return opened;
    }

    @Override
    public boolean accepts(Path path) {
        if (path == null || !java.nio.file.Files.isDirectory(path)) return false;
        String writtenBy = AlignedRun.looksLikeRun(path) ? AlignedRun.trainerOf(path) : null;
        return writtenBy != null ? writtenBy.equals(trainer) : isRunFolder(path);
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
