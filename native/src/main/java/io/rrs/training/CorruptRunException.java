package io.rrs.training;

import io.rrs.cli.ExitCodes;
import java.io.IOException;

/** Scope: a run directory (prepare output or checkpoint) that is incomplete or fails its SHA-256 check; the message names the file. */
public final class CorruptRunException extends IOException implements ExitCodes.Coded {
    public CorruptRunException(String message) {
        super(message);
    }

    /** Ends a command with {@link ExitCodes#CORRUPT}. */
    @Override
    public int exitCode() {
        return ExitCodes.CORRUPT;
    }
}
