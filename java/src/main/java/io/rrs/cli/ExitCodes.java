package io.rrs.cli;

/**
 * Scope: the exit codes of every {@code rrs} command, one meaning each (README, "Exit codes"). A
 * command returns {@link #OK} or, when part of its work failed and it said so per item (a guard query),
 * {@link #FAILED}; every other failure is an exception that {@link Rrs}'s one handler turns into a
 * one-line message and the code below.
 */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /**
     * Failed: an input could not be used (a missing or unreadable file, a folder in another state than
     * the options expect) or the work failed (a query, a check, a stage). The message names it and the
     * fix; commands that resume do so when run again.
     */
    public static final int FAILED = 1;
    /**
     * Usage: the command line itself is wrong (an unknown or missing option, a value that does not parse
     * or is out of range, options that contradict each other, a command this build lacks); nothing ran.
     * Picocli's own code for invalid input.
     */
    public static final int USAGE = 2;
    /** Training stopped on a non-finite loss or gradient; the message names the last good checkpoint. */
    public static final int DIVERGED = 3;
    /** A distributed training rank died, hung past the timeout or was started with other settings. */
    public static final int RANK_FAILED = 4;
    /**
     * Corrupt or incompatible: a file rrs wrote into a run or work folder (prepare output, checkpoint,
     * SFT targets, demo state) fails its hash or format check; the message names it.
     */
    public static final int CORRUPT = 5;

    private ExitCodes() {}

    /** An exception that ends a command with its own code instead of {@link #FAILED}. */
    public interface Coded {
        int exitCode();
    }

    /** The code a failure ends a command with. */
    static int of(Exception e) {
        return e instanceof Coded c ? c.exitCode() : FAILED;
    }
}
