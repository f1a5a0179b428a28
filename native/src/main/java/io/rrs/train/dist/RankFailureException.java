package io.rrs.train.dist;

/** A peer rank died, hung past the timeout, or never joined; the message names it and the way out. */
public final class RankFailureException extends RuntimeException {
    public RankFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
