package io.rrs.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV byte arrays by hand, field by field, so tests can produce exactly the damage they name. */
final class WavBytes {
    private WavBytes() {}

    /** RIFF/WAVE header with the correct RIFF size around the given chunks. */
    static byte[] riff(byte[]... chunks) {
        byte[] body = concat(chunks);
        return concat(ascii("RIFF"), le32(4L + body.length), ascii("WAVE"), body);
    }

    /** A chunk with its true size and the pad byte after an odd-sized body. */
    static byte[] chunk(String id, byte[] body) {
        return chunk(id, body.length, body);
    }

    /** A chunk that declares {@code declaredSize} whatever the body holds (pads odd bodies). */
    static byte[] chunk(String id, long declaredSize, byte[] body) {
        byte[] pad = body.length % 2 == 1 ? new byte[1] : new byte[0];
        return concat(ascii(id), le32(declaredSize), body, pad);
    }

    static byte[] fmt(int code, int channels, int rate, int blockAlign, int bits) {
        return chunk("fmt ", fmtBody(code, channels, rate, blockAlign, bits));
    }

    static byte[] fmtBody(int code, int channels, int rate, int blockAlign, int bits) {
        return concat(le16(code), le16(channels), le32(rate), le32((long) rate * blockAlign), le16(blockAlign), le16(bits));
    }

    /** WAVE_FORMAT_EXTENSIBLE fmt chunk (40 bytes) wrapping {@code guid}. */
    static byte[] fmtExtensible(int channels, int rate, int bits, int validBits, byte[] guid) {
        int blockAlign = channels * bits / 8;
        return chunk("fmt ", concat(fmtBody(0xFFFE, channels, rate, blockAlign, bits), le16(22), le16(validBits),
                le32(0), guid));
    }

    /** The KSDATAFORMAT_SUBTYPE GUID for a plain format code (1 = PCM, 3 = IEEE float). */
    static byte[] subFormatGuid(int code) {
        return concat(le32(code), new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
            (byte) 0x9B, 0x71});
    }

    static byte[] pcm16Wav(int rate, int channels, short... samples) {
        return riff(fmt(1, channels, rate, 2 * channels, 16), chunk("data", le16(samples)));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }

    static byte[] le16(short... values) {
        ByteBuffer b = buffer(2 * values.length);
        for (short v : values) b.putShort(v);
        return b.array();
    }

    static byte[] le24(int... values) {
        byte[] out = new byte[3 * values.length];
        for (int i = 0; i < values.length; i++) {
            out[3 * i] = (byte) values[i];
            out[3 * i + 1] = (byte) (values[i] >> 8);
            out[3 * i + 2] = (byte) (values[i] >> 16);
        }
        return out;
    }

    static byte[] le32(long v) {
        return buffer(4).putInt((int) v).array();
    }

    static byte[] le32s(int... values) {
        ByteBuffer b = buffer(4 * values.length);
        for (int v : values) b.putInt(v);
        return b.array();
    }

    static byte[] f32(float... values) {
        ByteBuffer b = buffer(4 * values.length);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static byte[] f64(double... values) {
        ByteBuffer b = buffer(8 * values.length);
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
