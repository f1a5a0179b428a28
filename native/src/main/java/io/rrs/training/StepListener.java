package io.rrs.training;

/**
 * Hears a training loop (RRS, SFT, pretraining) after every optimiser step and at the end of each
 * epoch: the commands print from it, tests stop a run at a chosen step with it.
 */
@FunctionalInterface
public interface StepListener {
    /** After optimiser step {@code step} (1-based), with that step's loss. */
    void afterStep(long step, double loss);

    /** At the end of an epoch: its mean loss, wall seconds and samples. */
    default void afterEpoch(int epoch, double meanLoss, double seconds, long samples) {}
}
