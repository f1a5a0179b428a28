package io.rrs.cli;

/**
 * A command that continues where it stopped when run again; after a {@link ExitCodes#FAILED} message
 * the failure handler adds its hint (what a rerun keeps).
 */
public interface Resumable {
    /** One line, e.g. "run the same command again to resume; finished answers are kept in OUT". */
    String resumeHint();
}
