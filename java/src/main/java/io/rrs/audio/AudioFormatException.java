package io.rrs.audio;

import java.io.IOException;

/**
 * Input audio that cannot be decoded: not a WAV file, a malformed or truncated header, or an
 * encoding this runtime does not read. The message always names the source (a file name, or
 * {@code <bytes>} for in-memory input), states the problem and, where one exists, the fix.
 */
public final class AudioFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Conversion that turns almost any audio file into a WAV this decoder reads. */
    static final String CONVERT_HINT = "convert it to PCM WAV, e.g. `sox in.xxx -b 16 -e signed-integer out.wav`"
            + " or `ffmpeg -i in.xxx -c:a pcm_s16le out.wav`";

    private final String source;

    public AudioFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /** The file name, or {@code <bytes>} for in-memory input. */
    public String source() {
        return source;
    }
}
