package io.rrs.demo;

import io.rrs.cli.ExitCodes;

/**
 * Scope: a demo failure a user can act on, with the exit code of {@code rrs demo} ({@link ExitCodes}):
 * FAILED for an input that cannot be used (no base model, no dataset, a work folder made with other
 * inputs) or a stage that failed while running (rerunning resumes), DIVERGED for RRS training on a
 * non-finite loss, CORRUPT for a damaged run or demo state. The message is one line naming the input and the fix.
 */
public final class DemoException extends Exception implements ExitCodes.Coded {
    private final int exitCode;

    public DemoException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DemoException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    @Override
    public int exitCode() {
        return exitCode;
    }
}
