package io.rrs.train;

import java.io.IOException;

/** Scope: a run directory (prepare output or checkpoint) that is incomplete or fails its SHA-256 check; the message names the file. */
public final class CorruptRunException extends IOException {
    public CorruptRunException(String message) {
        super(message);
    }
}
