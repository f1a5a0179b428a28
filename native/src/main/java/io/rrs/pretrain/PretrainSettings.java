package io.rrs.pretrain;

import java.nio.file.Path;

/**
 * Scope: every setting of {@code rrs pretrain}, validated here so a bad option fails before any work.
 * {@code steps} > 0 stops after that many optimiser steps (the schedule then spans those steps);
 * {@code limit} > 0 keeps that many training texts (seeded choice, with all their utterances).
 * {@code initFrom} (null: seeded random init) starts from a model folder's weights instead;
 * {@code firstTokenWeight} weighs the first answer token's cross-entropy (1 = plain mean over answer tokens);
 * {@code tasks} keeps only those tasks of the mix (every task by default; a first stage may train the text tasks alone);
 * {@code stopAfterEpochs} > 0 ends the run after that many epochs while the learning-rate schedule still spans
 * {@code epochs} (a run control like {@code threads}: it does not change any step, so a later {@code --resume} may
 * go further).
 */
public record PretrainSettings(Path dataDir, Path tokenizerFile, Path outDir, Path stateDir, DemoModelSize size,
                               int epochs, long steps, int batchSize, double learningRate, double warmupFraction,
                               double minLearningRateRatio, double weightDecay, double clipNorm, long seed, int limit, int threads,
                               Path initFrom, double firstTokenWeight, java.util.Set<PretrainTask> tasks, int stopAfterEpochs,
                               Teacher teacher) {
    /**
     * What the {@code knowing} recipe adds (docs/pretrain.md): {@code embed_tokens} from the teacher's word-piece
     * embeddings ({@link TeacherEmbeddings}, frozen; the tokenizer must be the teacher's, {@code MiniLmChatTokenizer}),
     * the last prompt token's state made to predict the teacher's sentence embedding of the question through a linear
     * head (cosine loss weighted {@code distillWeight}, on every example that has the question as text), one opening for
     * every compliant answer (so only the representation tells harmful from benign), and the model folder's weights
     * stored as bfloat16 (the vocabulary of 30528 makes float32 too large to commit). {@code spellingWeight} > 0 adds
     * the characters' CTC ({@link Spelling}) to every transcription batch, with that weight; in the first
     * {@code spellFirstEpochs} epochs it is the transcription batches' only loss (the word pieces' CTC is not computed;
     * as many as the stage's epochs: never computed). {@code decoderFrozen}: only the audio side trains.
     */
    public record Teacher(double distillWeight, double spellingWeight, int spellFirstEpochs, boolean decoderFrozen) {
        public Teacher {
            if (!(distillWeight >= 0) || !Double.isFinite(distillWeight))
                throw new IllegalArgumentException("distillation weight " + distillWeight + " must be >= 0");
            if (!(spellingWeight >= 0) || !Double.isFinite(spellingWeight))
                throw new IllegalArgumentException("spelling weight " + spellingWeight + " must be >= 0");
            if (spellFirstEpochs < 0 || (spellFirstEpochs > 0 && spellingWeight == 0))
                throw new IllegalArgumentException("spell-first epochs " + spellFirstEpochs + " must be >= 0, and 0 without the spelling aid");
        }

        /** Without the spelling aid, every weight trained. */
        public Teacher(double distillWeight) {
            this(distillWeight, 0, 0, false);
        }

        /**
         * One stage's use of the teacher: the characters' CTC at {@code spellingWeight}, alone in the first
         * {@code spellFirstEpochs} epochs; {@code decoderFrozen}: only the audio tower, the projector and the spelling
         * head train (the decoder and the distillation head keep their bytes, so speech must land where they read text).
         */
        public Teacher forStage(double spellingWeight, int spellFirstEpochs, boolean decoderFrozen) {
            return new Teacher(distillWeight, spellingWeight, spellFirstEpochs, decoderFrozen);
        }
    }

    /** Without the teacher. */
    public PretrainSettings(Path dataDir, Path tokenizerFile, Path outDir, Path stateDir, DemoModelSize size, int epochs, long steps, int batchSize,
                            double learningRate, double warmupFraction, double minLearningRateRatio, double weightDecay, double clipNorm, long seed,
                            int limit, int threads, Path initFrom, double firstTokenWeight, java.util.Set<PretrainTask> tasks, int stopAfterEpochs) {
        this(dataDir, tokenizerFile, outDir, stateDir, size, epochs, steps, batchSize, learningRate, warmupFraction, minLearningRateRatio, weightDecay,
                clipNorm, seed, limit, threads, initFrom, firstTokenWeight, tasks, stopAfterEpochs, null);
    }

    /** From a seeded random init, every answer token weighted alike. */
    public PretrainSettings(Path dataDir, Path tokenizerFile, Path outDir, Path stateDir, DemoModelSize size, int epochs, long steps, int batchSize,
                            double learningRate, double warmupFraction, double minLearningRateRatio, double weightDecay, double clipNorm, long seed,
                            int limit, int threads) {
        this(dataDir, tokenizerFile, outDir, stateDir, size, epochs, steps, batchSize, learningRate, warmupFraction, minLearningRateRatio, weightDecay,
                clipNorm, seed, limit, threads, null, 1.0, DEFAULT_TASKS, 0);
    }

    /**
     * The default mix: every task but {@link PretrainTask#AUDIO_TRANSCRIBE} (a grounding stage names that one) and
     * {@link PretrainTask#AUDIO_MEANING} (the teacher's recipes name that one).
     */
    public static final java.util.Set<PretrainTask> DEFAULT_TASKS = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.complementOf(java.util.EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE, PretrainTask.AUDIO_MEANING)));

    public PretrainSettings {
        tasks = tasks == null ? DEFAULT_TASKS : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(tasks));
        if (tasks.isEmpty()) throw new IllegalArgumentException("--tasks is empty; name at least one of " + PretrainTask.names());
        if (dataDir == null || tokenizerFile == null || outDir == null || stateDir == null || size == null)
            throw new IllegalArgumentException("--data, --tokenizer, --out and --state are required");
        if (epochs < 1) throw new IllegalArgumentException("--epochs " + epochs + " must be >= 1");
        if (steps < 0) throw new IllegalArgumentException("--steps " + steps + " must be >= 0 (0 = run every epoch)");
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size " + batchSize + " must be >= 1");
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new IllegalArgumentException("--lr " + learningRate + " must be a positive number");
        if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new IllegalArgumentException("--warmup " + warmupFraction + " must be in [0, 1)");
        if (!(minLearningRateRatio >= 0 && minLearningRateRatio <= 1))
            throw new IllegalArgumentException("--min-lr-ratio " + minLearningRateRatio + " must be in [0, 1]");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay " + weightDecay + " must be >= 0");
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("--clip-norm " + clipNorm + " must be >= 0 (0 turns clipping off)");
        if (limit < 0) throw new IllegalArgumentException("--limit " + limit + " must be >= 0 (0 = every training text)");
        if (stopAfterEpochs < 0 || stopAfterEpochs > epochs)
            throw new IllegalArgumentException("--stop-after " + stopAfterEpochs + " must be between 0 (run every epoch) and --epochs " + epochs);
        if (threads < 1) throw new IllegalArgumentException("--threads " + threads + " must be >= 1");
        if (!(firstTokenWeight > 0) || !Double.isFinite(firstTokenWeight))
            throw new IllegalArgumentException("--first-token-weight " + firstTokenWeight + " must be a positive number (1 = no extra weight)");
        if (tasks.contains(PretrainTask.AUDIO_MEANING) && teacher == null)
            throw new IllegalArgumentException("the task audio-meaning learns from the teacher's sentence embeddings; use --recipe knowing-hearing");
        if (initFrom != null && !java.nio.file.Files.isRegularFile(initFrom.resolve("model.safetensors")))
            throw new IllegalArgumentException("--init " + initFrom + " has no model.safetensors; pass a model folder 'rrs pretrain' wrote");
    }

    /**
     * Learning rate of optimiser step {@code step} (1-based) of {@code total}: linear warmup over the first
     * {@code warmupFraction}, then cosine decay to {@code minLearningRateRatio * lr}.
     */
    public double learningRateAt(long step, long total) {
        long warmup = Math.max(1, Math.round(warmupFraction * total));
        if (step <= warmup) return learningRate * step / warmup;
        double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
        double floor = minLearningRateRatio * learningRate;
        return floor + (learningRate - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
