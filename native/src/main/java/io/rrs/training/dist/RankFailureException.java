package io.rrs.training.dist;

import io.rrs.cli.ExitCodes;

/** A peer rank died, hung past the timeout, or never joined; the message names it and the way out. */
public final class RankFailureException extends RuntimeException implements ExitCodes.Coded {
    public RankFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Ends a command with {@link ExitCodes#RANK_FAILED}. */
    @Override
    public int exitCode() {
        return ExitCodes.RANK_FAILED;
    }
}
