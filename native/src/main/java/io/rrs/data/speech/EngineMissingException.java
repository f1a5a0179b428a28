package io.rrs.data.speech;

import java.io.IOException;

/** An engine's program or voice is not installed; the message names the Debian packages to install. */
public final class EngineMissingException extends IOException {
    public EngineMissingException(String message, Throwable cause) {
        super(message, cause);
    }
}
