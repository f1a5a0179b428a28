package io.rrs.training;

/** Scope: where prepare and train report progress (the command line shows a bar; tests ignore it). */
@FunctionalInterface
public interface Progress {
    /** {@code done} of {@code total} units; {@code message} is shown beside the bar (e.g. the loss). */
    void update(long done, long total, String message);

    static Progress none() {
        return (done, total, message) -> {};
    }
}
