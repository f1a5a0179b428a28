package io.rrs.query;

import java.util.Arrays;

/**
 * One clip's Whisper log-mel features as the model's window holds them, stored compactly: the first
 * {@code keptFrames} frames of the window ([mel][keptFrames], mel-major), which cover the
 * {@code validFrames} of audio plus {@link AudioPositions#TRIM_MARGIN_FRAMES}; every later frame of
 * the window is digital silence, one value per mel bin ({@link #silence}), so {@link #copyInto}
 * restores the window bit for bit.
 *
 * @param seconds the clip's length before padding or trimming
 * @param trimmed true when the clip was longer than the window and its end was cut
 */
public record AudioFeatures(float[] melMajor, int melBins, int keptFrames, int validFrames, int windowFrames, double seconds, boolean trimmed) {
    public AudioFeatures {
        if (melMajor.length != melBins * keptFrames)
            throw new IllegalArgumentException(melMajor.length + " values for " + melBins + " mels x " + keptFrames + " frames");
        if (validFrames < AudioPositions.MIN_FRAMES || validFrames > keptFrames || keptFrames > windowFrames)
            throw new IllegalArgumentException("frames out of order: " + AudioPositions.MIN_FRAMES + " <= valid " + validFrames + " <= kept "
                    + keptFrames + " <= window " + windowFrames);
    }

    /** The {@code <|AUDIO|>} positions this clip fills. */
    public int positions() {
        return AudioPositions.of(validFrames);
    }

    /** The window's value of mel bin {@code mel} past the kept frames. */
    public float silence(int mel) {
        return melMajor[mel * keptFrames + keptFrames - 1];
    }

    /**
     * Writes the first {@code frames} frames of this clip's window as row {@code row} of a
     * [rows, mels, frames] buffer.
     */
    public void copyInto(float[] batch, int row, int frames) {
        if (frames > windowFrames) throw new IllegalArgumentException(frames + " frames asked of a " + windowFrames + "-frame window");
        if (frames < validFrames) throw new IllegalArgumentException(frames + " frames would cut the clip's " + validFrames + " valid frames");
        int copy = Math.min(frames, keptFrames);
        for (int m = 0; m < melBins; m++) {
            int base = (row * melBins + m) * frames;
            System.arraycopy(melMajor, m * keptFrames, batch, base, copy);
            Arrays.fill(batch, base + copy, base + frames, silence(m));
        }
    }

    /** Bytes held (what a feature cache counts). */
    public long bytes() {
        return (long) melMajor.length * Float.BYTES;
    }
}
