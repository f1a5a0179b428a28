package io.rrs.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scope: reads and checks the RIFF/WAVE header of a synthesised file: PCM, and the data chunk
 * complete (its size fits the file). Used to decide whether a WAV from an earlier run is whole
 * and to take its duration; decoding samples is the runtime's io.rrs.audio job.
 */
public record WavHeader(int format, int channels, int sampleRate, int bitsPerSample, long dataBytes) {

    /** Seconds of audio in the data chunk. */
    public double durationSeconds() {
        return dataBytes / (double) (channels * sampleRate * (bitsPerSample / 8));
    }

    /** True for 16 kHz mono 16-bit PCM, the dataset's format (Whisper's input rate). */
    public boolean isDatasetFormat() {
        return format == 1 && channels == 1 && sampleRate == 16000 && bitsPerSample == 16;
    }

    /** Parses the header of {@code file}; fails naming the file and what is wrong. */
    public static WavHeader read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            ByteBuffer head = ByteBuffer.wrap(in.readNBytes(12)).order(ByteOrder.LITTLE_ENDIAN);
            if (head.limit() < 12 || head.getInt(0) != 0x46464952 || head.getInt(8) != 0x45564157) {
                throw new IOException(file + " is not a RIFF/WAVE file");
            }
            long offset = 12;
            Integer format = null;
            int channels = 0, rate = 0, bits = 0;
            while (true) {
                byte[] chunk = in.readNBytes(8);
                if (chunk.length < 8) throw new IOException(file + " ends before its data chunk (truncated?)");
                ByteBuffer c = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
                String id = new String(chunk, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
                long len = Integer.toUnsignedLong(c.getInt(4));
                offset += 8;
                if (id.equals("fmt ")) {
                    ByteBuffer f = ByteBuffer.wrap(in.readNBytes((int) len)).order(ByteOrder.LITTLE_ENDIAN);
                    if (f.limit() < 16) throw new IOException(file + " has a short fmt chunk");
                    format = f.getShort(0) & 0xFFFF;
                    channels = f.getShort(2) & 0xFFFF;
                    rate = f.getInt(4);
                    bits = f.getShort(14) & 0xFFFF;
                    if ((len & 1) == 1) in.skipNBytes(1);
                } else if (id.equals("data")) {
                    if (format == null) throw new IOException(file + " has its data chunk before the fmt chunk");
                    if (offset + len > size) {
                        throw new IOException(file + " is truncated: data chunk of " + len + " bytes, file has " + (size - offset));
                    }
                    return new WavHeader(format, channels, rate, bits, len);
                } else {
                    in.skipNBytes(len + (len & 1));
                }
                offset += len + (len & 1);
            }
        }
    }
}
