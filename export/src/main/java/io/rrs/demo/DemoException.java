package io.rrs.demo;

/**
 * Scope: a demo failure a user can act on, with the exit code of {@code rrs demo}: 2 for an unusable
 * input (no base model, no dataset, a work folder made with other inputs), 1 for a stage that failed
 * while running (rerunning resumes). The message is one line naming the input and the fix.
 */
public final class DemoException extends Exception {
    private final int exitCode;

    public DemoException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DemoException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
