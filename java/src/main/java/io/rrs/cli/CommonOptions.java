package io.rrs.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Scope: options that mean the same in several commands, as picocli mixins ({@code @Mixin}), so that
 * their name, default and help text are written once. Options whose meaning or default differs per
 * command ({@code --seed}, {@code --model}, {@code --out}, {@code --limit}) stay with their command.
 */
public final class CommonOptions {
    private CommonOptions() {}

    /** {@code --data}: the spoken dataset the training and evaluation commands read. */
    public static final class SpokenData {
        @Option(names = "--data", defaultValue = "data/rrs", paramLabel = "DIR", description = "Spoken dataset ('rrs data build'); default: ${DEFAULT-VALUE}.")
        Path data;

        /** The folder, against the repository root when relative. */
        public Path dir() {
            return RepoPaths.resolve(data);
        }
    }

    /** {@code --tokenizer}: the tokenizer for a model folder without its own. */
    public static final class FallbackTokenizer {
        @Option(names = "--tokenizer", defaultValue = "data/tokenizer/tokenizer.json", paramLabel = "FILE",
                description = "tokenizer.json used when the model folder has none; default: ${DEFAULT-VALUE}.")
        Path tokenizer;

        /** The file, against the repository root when relative. */
        public Path file() {
            return RepoPaths.resolve(tokenizer);
        }
    }

    /** {@code --threads}: ONNX Runtime's threads for each graph call. */
    public static final class OrtThreads {
        @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "ONNX Runtime threads per graph call; default: ${DEFAULT-VALUE}.")
        int threads;

        /** The count; fewer than 1 is a usage error. */
        public int threads() {
            if (threads < 1) throw new UsageException("--threads " + threads + ": use 1 or more");
            return threads;
        }
    }

    /** {@code --max-new-tokens}: how long a greedy answer may get. */
    public static final class AnswerLength {
        @Option(names = "--max-new-tokens", defaultValue = "64", paramLabel = "N",
                description = "Most tokens of a greedy answer (a refusal shows in its first words); default: ${DEFAULT-VALUE}.")
        int maxNewTokens;

        /** The count; fewer than 1 is a usage error. */
        public int maxNewTokens() {
            if (maxNewTokens < 1) throw new UsageException("--max-new-tokens " + maxNewTokens + ": generate at least 1 token");
            return maxNewTokens;
        }
    }

    /** {@code --no-progress}: no progress bars on the console. */
    public static final class Progress {
        @Option(names = "--no-progress", description = "Do not draw progress bars.")
        boolean noProgress;

        /** True unless --no-progress. */
        public boolean show() {
            return !noProgress;
        }
    }
}
