package io.rrs.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mono 16-bit PCM WAV: the canonical 44-byte header and little-endian samples, the inverse of
 * {@link WavDecoder} for that one format. Used wherever the project makes audio files of its own
 * (synthetic fixtures, benchmark inputs); samples are already quantised, so callers keep their
 * own rounding.
 */
public final class WavEncoder {
    private WavEncoder() {}

    /** The bytes of a mono 16-bit PCM WAV holding {@code samples} at {@code sampleRate}. */
    public static byte[] pcm16(short[] samples, int sampleRate) {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        int data = 2 * samples.length;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(2 * sampleRate).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        for (short s : samples) b.putShort(s);
        return b.array();
    }

    /** Writes {@link #pcm16} to {@code file}, creating its folder. */
    public static void writePcm16(Path file, short[] samples, int sampleRate) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(file, pcm16(samples, sampleRate));
    }
}
