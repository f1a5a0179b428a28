package io.rrs.audio;

/** Little-endian reads from a byte array; callers check bounds first (WAV is little-endian throughout). */
final class Bytes {
    private Bytes() {}

    static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    static long u32(byte[] b, int i) {
        return s32(b, i) & 0xFFFF_FFFFL;
    }

    static int s32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | b[i + 3] << 24;
    }

    static long s64(byte[] b, int i) {
        return (s32(b, i) & 0xFFFF_FFFFL) | (long) s32(b, i + 4) << 32;
    }

    /** A four-character chunk id for messages: printable ASCII as is, anything else as hex. */
    static String fourCc(byte[] b, int i) {
        StringBuilder s = new StringBuilder(4);
        for (int k = 0; k < 4; k++) {
            int c = b[i + k] & 0xFF;
            if (c < 0x20 || c > 0x7E) return String.format("0x%02x%02x%02x%02x", b[i] & 0xFF, b[i + 1] & 0xFF,
                    b[i + 2] & 0xFF, b[i + 3] & 0xFF);
            s.append((char) c);
        }
        return "'" + s + "'";
    }

    static boolean idEquals(byte[] b, int i, String id) {
        for (int k = 0; k < 4; k++) if (b[i + k] != id.charAt(k)) return false;
        return true;
    }
}
