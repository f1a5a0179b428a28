package io.rrs.train;

/** Scope: training stopped because a loss or gradient norm was NaN/Inf; the message names epoch, step and the checkpoint kept. */
public final class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(String message) {
        super(message);
    }
}
