package io.rrs.cli;

import java.util.function.Supplier;

/**
 * Scope: a command line a command rejects before doing any work (a value out of range, an unknown
 * name, options that contradict each other): exit {@link ExitCodes#USAGE}, the message naming the
 * option and what it accepts.
 */
public final class UsageException extends IllegalArgumentException implements ExitCodes.Coded {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    private UsageException(IllegalArgumentException cause) {
        super(cause.getMessage(), cause);
    }

    @Override
    public int exitCode() {
        return ExitCodes.USAGE;
    }

    /**
     * What {@code fromOptions} builds out of the parsed options (settings records validate their values):
     * an {@link IllegalArgumentException} it throws is a usage error. Reads no file, so that a file that
     * cannot be used stays a {@link ExitCodes#FAILED} input error.
     */
    public static <T> T fromOptions(Supplier<T> fromOptions) {
        try {
            return fromOptions.get();
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e);
        }
    }
}
