package io.rrs.eval;

import io.rrs.model.Compute;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.text.TextTokenizer;
import io.rrs.training.TrainingLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Scope: loading the models of an evaluation. The base is a model folder ({@code config.json}
 * plus {@code model.safetensors} or a sharded index). The aligned one is either another model
 * folder (e.g. LoRA already merged) or anything a registered {@link AdapterCheckpointLoader}
 * accepts (an RRS or SFT run: base + LoRA); so is every {@code --compare} model. The tokenizer is the model folder's {@code tokenizer.json},
 * else a fallback given by the caller.
 */
public final class ModelSource {
    private ModelSource() {}

    /** True for a folder with config.json and model.safetensors (or model.safetensors.index.json). */
    public static boolean isModelFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json"))
                && (Files.isRegularFile(dir.resolve("model.safetensors")) || Files.isRegularFile(dir.resolve("model.safetensors.index.json")));
    }

    public static Qwen2AudioModel loadBase(Path dir) throws IOException {
        return loadBase(dir, Compute.CPU);
    }

    public static Qwen2AudioModel loadBase(Path dir, Compute compute) throws IOException {
        if (!isModelFolder(dir))
            throw new IOException("--model " + dir.toAbsolutePath() + " is not a model folder: it needs config.json and model.safetensors "
                    + "(or model.safetensors.index.json)");
        return Qwen2AudioModel.load(dir, compute);
    }

    /** A loaded aligned model, how it was found (for the report) and its training log (null when none). */
    public record Aligned(Qwen2AudioModel model, String description, Path trainingLog) {}

    /**
     * The aligned model at {@code path}: a registered adapter loader that accepts it wins (so a run
     * folder that also holds a merged model is read as the trainer meant), else a model folder.
     * {@code freshBase} supplies a separately loaded base for the loader to adapt.
     */
    public static Aligned loadAligned(Path baseDir, Path path, IoSupplier<Qwen2AudioModel> freshBase) throws IOException {
        return loadAligned(baseDir, path, "--aligned", freshBase, Compute.CPU);
    }

    /**
     * As {@link #loadAligned(Path, Path, IoSupplier)}; {@code option} ("--aligned", "--compare sft") names the model in errors, and
     * a model folder is loaded on {@code compute} ({@code freshBase} should load there too).
     */
    public static Aligned loadAligned(Path baseDir, Path path, String option, IoSupplier<Qwen2AudioModel> freshBase, Compute compute) throws IOException {
        if (!Files.exists(path)) throw new IOException(option + " " + path.toAbsolutePath() + " does not exist");
        for (AdapterCheckpointLoader loader : ServiceLoader.load(AdapterCheckpointLoader.class)) {
            if (loader.accepts(path))
                return new Aligned(loader.load(baseDir, freshBase.get(), path), loader.describe(path), loader.trainingLog(path));
        }
        Path log = path.resolve(TrainingLog.FILE_NAME);
        if (isModelFolder(path)) return new Aligned(Qwen2AudioModel.load(path, compute), "model folder", Files.isRegularFile(log) ? log : null);
        throw new IOException(option + " " + path.toAbsolutePath() + " is neither a model folder (config.json + model.safetensors) nor a "
                + "checkpoint that a registered AdapterCheckpointLoader accepts; pass a merged model folder, an 'rrs reshape train' or an 'rrs sft train' run");
    }

    /** The tokenizer of {@code modelDir}, else {@code fallback}; fails naming both. */
    public static TextTokenizer tokenizer(Path modelDir, Path fallback) throws IOException {
        Path own = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(own)) return TextTokenizer.open(own);
        if (fallback != null && Files.isRegularFile(fallback)) return TextTokenizer.open(fallback);
        throw new IOException("no tokenizer.json in " + modelDir.toAbsolutePath() + (fallback != null ? " nor at " + fallback.toAbsolutePath() : "")
                + "; copy the model's tokenizer.json there or pass --tokenizer FILE");
    }

    /** A supplier that may fail with an IOException. */
    @FunctionalInterface
    public interface IoSupplier<T> {
        T get() throws IOException;
    }
}
