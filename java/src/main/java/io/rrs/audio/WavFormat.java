package io.rrs.audio;

import java.util.Map;

/**
 * The validated contents of a WAV {@code fmt } chunk, reduced to what decoding needs. Parsing
 * accepts integer PCM (8-bit unsigned, 16/24/32-bit signed), IEEE float (32/64-bit) and
 * WAVE_FORMAT_EXTENSIBLE wrapping either, and rejects everything else with a message that names
 * the format code, because "unsupported format" alone does not tell a user what to convert.
 *
 * @param encoding      how one sample is stored
 * @param channels      interleaved channels per frame, 1 to {@link #MAX_CHANNELS}
 * @param sampleRate    frames per second, within the range {@link Audio} accepts
 * @param blockAlign    bytes per frame, always {@code channels * encoding.bytes()}
 * @param extensible    whether the chunk was WAVE_FORMAT_EXTENSIBLE (0xFFFE)
 */
public record WavFormat(Encoding encoding, int channels, int sampleRate, int blockAlign, boolean extensible) {
    /** More channels than this is a corrupt header, not a microphone array. */
    public static final int MAX_CHANNELS = 64;

    static final int FORMAT_PCM = 0x0001;
    static final int FORMAT_IEEE_FLOAT = 0x0003;
    static final int FORMAT_EXTENSIBLE = 0xFFFE;

    /** The last 12 bytes shared by every KSDATAFORMAT_SUBTYPE GUID that wraps a plain format code. */
    private static final byte[] SUBFORMAT_GUID_TAIL = {
        0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    /** Names for the codes users actually meet, so the error says what the file is. */
    private static final Map<Integer, String> KNOWN_CODES = Map.ofEntries(
            Map.entry(0x0002, "Microsoft ADPCM"), Map.entry(0x0006, "A-law"), Map.entry(0x0007, "mu-law"),
            Map.entry(0x0011, "IMA ADPCM"), Map.entry(0x0031, "GSM 6.10"), Map.entry(0x0040, "G.721 ADPCM"),
            Map.entry(0x0050, "MPEG"), Map.entry(0x0055, "MPEG Layer 3 (MP3)"), Map.entry(0x0092, "Dolby AC3"),
            Map.entry(0x00FF, "AAC"), Map.entry(0x1610, "HE-AAC"), Map.entry(0x2000, "AC3"),
            Map.entry(0xF1AC, "FLAC"), Map.entry(0x674F, "Ogg Vorbis"), Map.entry(0x0000, "unknown (0)"));

    /** Sample encodings this decoder reads. */
    public enum Encoding {
        PCM_U8(1), PCM_S16(2), PCM_S24(3), PCM_S32(4), FLOAT_32(4), FLOAT_64(8);

        private final int bytes;

        Encoding(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per sample of one channel. */
        public int bytes() {
            return bytes;
        }

        public boolean isFloat() {
            return this == FLOAT_32 || this == FLOAT_64;
        }
    }

    public WavFormat {
        if (encoding == null) throw new IllegalArgumentException("encoding must not be null");
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels " + channels + " is outside [1, " + MAX_CHANNELS + "]");
        }
        if (sampleRate < Audio.MIN_SAMPLE_RATE || sampleRate > Audio.MAX_SAMPLE_RATE) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " Hz is outside [" + Audio.MIN_SAMPLE_RATE
                    + ", " + Audio.MAX_SAMPLE_RATE + "] Hz");
        }
        if (blockAlign != channels * encoding.bytes()) {
            throw new IllegalArgumentException("block align " + blockAlign + " must be channels * bytes per sample = "
                    + channels * encoding.bytes());
        }
    }

    /**
     * Parses and validates a {@code fmt } chunk body of {@code size} bytes at {@code offset}.
     * The caller has already checked that the body lies inside {@code bytes}.
     */
    static WavFormat parse(String source, byte[] bytes, int offset, int size) throws AudioFormatException {
        if (size < 16) {
            throw new AudioFormatException(source, "'fmt ' chunk is " + size
                    + " bytes, shorter than the 16 bytes every WAV format header needs; the header is corrupt");
        }
        int code = Bytes.u16(bytes, offset);
        int channels = Bytes.u16(bytes, offset + 2);
        long sampleRate = Bytes.u32(bytes, offset + 4);
        int blockAlign = Bytes.u16(bytes, offset + 12);
        int bits = Bytes.u16(bytes, offset + 14);
        boolean extensible = code == FORMAT_EXTENSIBLE;
        if (extensible) {
            if (size < 40) {
                throw new AudioFormatException(source, "WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is " + size
                        + " bytes, shorter than the 40 bytes that format needs; the header is corrupt");
            }
            int validBits = Bytes.u16(bytes, offset + 18);
            code = subFormatCode(source, bytes, offset + 24);
            // Valid bits only say how many of the container's top bits carry signal; the samples are
            // left-justified, so decoding by container size is right. More valid bits than container is corrupt.
            if (validBits > bits) {
                throw new AudioFormatException(source, "WAVE_FORMAT_EXTENSIBLE declares " + validBits
                        + " valid bits in a " + bits + "-bit container; the header is corrupt");
            }
        }
        if (code != FORMAT_PCM && code != FORMAT_IEEE_FLOAT) {
            String name = KNOWN_CODES.getOrDefault(code, "unknown");
            throw new AudioFormatException(source, String.format(
                    "WAV format code 0x%04X (%s) is not supported; only PCM (1), IEEE float (3) and"
                            + " WAVE_FORMAT_EXTENSIBLE wrapping them are read; %s",
                    code, name, AudioFormatException.CONVERT_HINT));
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new AudioFormatException(source, "header declares " + channels + " channels; a valid file has 1 to "
                    + MAX_CHANNELS + ", so the header is corrupt");
        }
        if (sampleRate < Audio.MIN_SAMPLE_RATE || sampleRate > Audio.MAX_SAMPLE_RATE) {
            throw new AudioFormatException(source, "header declares a sample rate of " + sampleRate
                    + " Hz, outside the supported [" + Audio.MIN_SAMPLE_RATE + ", " + Audio.MAX_SAMPLE_RATE
                    + "] Hz; the header is corrupt or the file should be resampled, e.g. `sox in.wav -r 16000 out.wav`");
        }
        Encoding encoding = encodingOf(source, code, bits);
        if (blockAlign != channels * encoding.bytes()) {
            throw new AudioFormatException(source, "block align is " + blockAlign + " bytes but " + channels
                    + " channels of " + bits + "-bit samples need " + channels * encoding.bytes()
                    + "; the header is inconsistent (re-export the file, e.g. `sox in.wav out.wav`)");
        }
        return new WavFormat(encoding, channels, (int) sampleRate, blockAlign, extensible);
    }

    private static int subFormatCode(String source, byte[] bytes, int guidOffset) throws AudioFormatException {
        boolean standardTail = true;
        for (int i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
            standardTail &= bytes[guidOffset + 4 + i] == SUBFORMAT_GUID_TAIL[i];
        }
        long data1 = Bytes.u32(bytes, guidOffset);
        if (!standardTail || data1 > 0xFFFF) {
            StringBuilder guid = new StringBuilder();
            for (int i = 0; i < 16; i++) guid.append(String.format("%02x", bytes[guidOffset + i] & 0xFF));
            throw new AudioFormatException(source, "WAVE_FORMAT_EXTENSIBLE SubFormat GUID " + guid
                    + " is neither PCM nor IEEE float; " + AudioFormatException.CONVERT_HINT);
        }
        return (int) data1;
    }

    private static Encoding encodingOf(String source, int code, int bits) throws AudioFormatException {
        if (code == FORMAT_PCM) {
            switch (bits) {
                case 8: return Encoding.PCM_U8;
                case 16: return Encoding.PCM_S16;
                case 24: return Encoding.PCM_S24;
                case 32: return Encoding.PCM_S32;
                default:
                    throw new AudioFormatException(source, bits + "-bit integer PCM is not supported (8, 16, 24 and"
                            + " 32 bits are); " + AudioFormatException.CONVERT_HINT);
            }
        }
        switch (bits) {
            case 32: return Encoding.FLOAT_32;
            case 64: return Encoding.FLOAT_64;
            default:
                throw new AudioFormatException(source, bits + "-bit IEEE float is not supported (32 and 64 bits"
                        + " are); " + AudioFormatException.CONVERT_HINT);
        }
    }
}
