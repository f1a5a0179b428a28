package io.rrs.guard;

/**
 * Scope: every failure of the guard the caller can act on (a missing or tampered model file, an
 * unusable query, an ONNX Runtime error). The message names the input and, where one exists, the fix.
 * Unchecked, so that {@code screen} can be called from lambdas and executors.
 */
public final class GuardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuardException(String message) {
        super(message);
    }

    public GuardException(String message, Throwable cause) {
        super(message, cause);
    }
}
