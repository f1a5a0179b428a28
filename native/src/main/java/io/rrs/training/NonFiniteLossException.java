package io.rrs.training;

import io.rrs.cli.ExitCodes;

/** Scope: training stopped because a loss or gradient norm was NaN/Inf; the message names epoch, step and the checkpoint kept. */
public final class NonFiniteLossException extends RuntimeException implements ExitCodes.Coded {
    public NonFiniteLossException(String message) {
        super(message);
    }

    /** Ends a command with {@link ExitCodes#DIVERGED}. */
    @Override
    public int exitCode() {
        return ExitCodes.DIVERGED;
    }
}
