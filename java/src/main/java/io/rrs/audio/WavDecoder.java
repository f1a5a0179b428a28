package io.rrs.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RIFF/WAVE audio into mono {@link Audio} at the file's own sample rate. Reads integer PCM
 * (8-bit unsigned, 16/24/32-bit signed), IEEE float (32/64-bit) and WAVE_FORMAT_EXTENSIBLE
 * wrapping either; any channel count is downmixed to mono by averaging. Unknown chunks (LIST,
 * fact, bext, ...) are skipped, honouring the RIFF pad byte after odd-sized chunks (and coping with
 * writers that omit it).
 *
 * <p>Decisions on damaged input, all of which throw {@link AudioFormatException} naming the source:
 * <ul>
 *   <li>A chunk that declares more bytes than the file holds is an error (truncated file), with
 *       one exception: a {@code data} chunk whose size is one of the placeholders that writers put
 *       there when streaming to a pipe ({@code 0xFFFFFFFF} from ffmpeg, {@code 0x7FFFF000} from sox
 *       and espeak-ng, {@code 0x7FFFFFFF}) runs to the end of the file.</li>
 *   <li>The RIFF size field is only used to ignore trailing bytes after the RIFF body (such as an
 *       appended tag); a RIFF size larger than the file is tolerated, because chunk sizes decide.</li>
 *   <li>A final partial frame (fewer bytes than one block) is dropped; no frame at all is an error.</li>
 *   <li>NaN or infinite float samples are an error; finite float samples beyond [-1, 1] are clipped,
 *       as any player would.</li>
 * </ul>
 */
public final class WavDecoder {
    /** Source name used in messages for in-memory input. */
    public static final String BYTES_SOURCE = "<bytes>";

    private static final long[] STREAMING_DATA_SIZES = {0xFFFF_FFFFL, 0x7FFF_F000L, 0x7FFF_FFFFL};

    private WavDecoder() {}

    /** Decodes a WAV file; messages name the path. */
    public static Audio decode(Path path) throws IOException {
        long size = Files.size(path);
        if (size > Integer.MAX_VALUE - 16) {
            throw new AudioFormatException(path.toString(), "file is " + size
                    + " bytes; WAV files of 2 GB or more are not supported, split the audio first");
        }
        return decode(Files.readAllBytes(path), path.toString());
    }

    /** Decodes WAV bytes held in memory; messages name the source {@code <bytes>}. */
    public static Audio decode(byte[] wav) throws AudioFormatException {
        return decode(wav, BYTES_SOURCE);
    }

    /** Decodes the whole remaining stream (not closed here); messages name {@code sourceName}. */
    public static Audio decode(InputStream in, String sourceName) throws IOException {
        return decode(in.readAllBytes(), sourceName);
    }

    /** Decodes WAV bytes; {@code sourceName} is what error messages call the input. */
    public static Audio decode(byte[] wav, String sourceName) throws AudioFormatException {
        if (wav == null) throw new IllegalArgumentException("wav bytes must not be null");
        String source = sourceName == null ? BYTES_SOURCE : sourceName;
        checkRiffHeader(source, wav);
        long riffSize = Bytes.u32(wav, 4);
        // Only a RIFF size that fits inside the file bounds the chunk walk; see the class comment.
        int end = riffSize >= 4 && 8 + riffSize <= wav.length ? (int) (8 + riffSize) : wav.length;

        WavFormat format = null;
        int dataOffset = -1;
        long dataSize = 0;
        List<String> seen = new ArrayList<>();
        int pos = 12;
        while (pos + 8 <= end) {
            String id = Bytes.fourCc(wav, pos);
            long size = Bytes.u32(wav, pos + 4);
            int body = pos + 8;
            long remaining = wav.length - (long) body;
            // Only the first few ids go into messages: a hostile file may hold millions of empty chunks.
            if (seen.size() < 16) seen.add(id);
            else if (seen.size() == 16) seen.add("...");
            if (Bytes.idEquals(wav, pos, "data")) {
                if (size > remaining) {
                    if (!isStreamingPlaceholder(size)) {
                        throw new AudioFormatException(source, "'data' chunk at byte " + pos + " declares " + size
                                + " bytes but only " + remaining + " follow: the file is truncated"
                                + " (re-export it, or rewrite the header with `sox in.wav out.wav`)");
                    }
                    size = remaining;
                }
                if (dataOffset < 0) {
                    dataOffset = body;
                    dataSize = size;
                }
            } else {
                if (size > remaining) {
                    throw new AudioFormatException(source, "chunk " + id + " at byte " + pos + " declares " + size
                            + " bytes but only " + remaining + " follow: the file is truncated or its header is corrupt");
                }
                if (format == null && Bytes.idEquals(wav, pos, "fmt ")) {
                    format = WavFormat.parse(source, wav, body, (int) size);
                }
            }
            // RIFF pads odd-sized chunks to an even length; the pad byte is not counted in the size.
            // Some writers omit it: when the byte after the chunk starts a plausible chunk id and the
            // padded position does not, follow the writer rather than misread the next header.
            int unpadded = (int) Math.min(Integer.MAX_VALUE, body + size);
            pos = unpadded + (int) (size & 1);
            if (pos != unpadded && pos + 4 <= end && !isChunkId(wav, pos) && isChunkId(wav, unpadded)) pos = unpadded;
        }
        boolean truncatedHeader = pos < end;
        if (format == null || dataOffset < 0) {
            String missing = format == null ? "'fmt '" : "'data'";
            throw new AudioFormatException(source, "no " + missing + " chunk (chunks found: " + seen + ")"
                    + (truncatedHeader ? "; the file ends inside a chunk header at byte " + pos + ", so it is truncated"
                            : "; the file is not a complete WAV"));
        }
        return new Audio(decodeSamples(source, format, wav, dataOffset, dataSize), format.sampleRate());
    }

    private static void checkRiffHeader(String source, byte[] wav) throws AudioFormatException {
        if (wav.length < 12) {
            throw new AudioFormatException(source, "only " + wav.length
                    + " bytes, too short to be a WAV file (its RIFF header alone is 12 bytes)");
        }
        if (Bytes.idEquals(wav, 0, "RIFX")) {
            throw new AudioFormatException(source, "big-endian RIFX WAV is not supported; " + AudioFormatException.CONVERT_HINT);
        }
        if (Bytes.idEquals(wav, 0, "RF64") || Bytes.idEquals(wav, 0, "BW64")) {
            throw new AudioFormatException(source, "64-bit " + Bytes.fourCc(wav, 0)
                    + " WAV is not supported; split the audio into files under 2 GB and " + AudioFormatException.CONVERT_HINT);
        }
        if (!Bytes.idEquals(wav, 0, "RIFF")) {
            throw new AudioFormatException(source, "not a WAV file: it starts with " + Bytes.fourCc(wav, 0)
                    + " instead of 'RIFF'" + guessContainer(wav) + "; " + AudioFormatException.CONVERT_HINT);
        }
        if (!Bytes.idEquals(wav, 8, "WAVE")) {
            throw new AudioFormatException(source, "a RIFF file of type " + Bytes.fourCc(wav, 8)
                    + ", not 'WAVE'; " + AudioFormatException.CONVERT_HINT);
        }
    }

    /** Names the common non-WAV containers by their magic bytes, so the message says what the file is. */
    private static String guessContainer(byte[] b) {
        String kind = null;
        if (Bytes.idEquals(b, 0, "fLaC")) kind = "FLAC";
        else if (Bytes.idEquals(b, 0, "OggS")) kind = "Ogg";
        else if (Bytes.idEquals(b, 0, "FORM")) kind = "AIFF";
        else if (Bytes.idEquals(b, 4, "ftyp")) kind = "MP4/M4A";
        else if (b[0] == 'I' && b[1] == 'D' && b[2] == '3' || (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0) kind = "MP3";
        return kind == null ? "" : " (it looks like " + kind + ")";
    }

    /** Chunk ids are four printable ASCII characters (letters, digits, space). */
    private static boolean isChunkId(byte[] b, int i) {
        for (int k = 0; k < 4; k++) {
            int c = b[i + k];
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ')) return false;
        }
        return true;
    }

    private static boolean isStreamingPlaceholder(long size) {
        for (long s : STREAMING_DATA_SIZES) if (size == s) return true;
        return false;
    }

    /** Converts interleaved frames to mono floats in [-1, 1], averaging the channels. */
    private static float[] decodeSamples(String source, WavFormat format, byte[] b, int offset, long size)
            throws AudioFormatException {
        int channels = format.channels();
        long frames = size / format.blockAlign();
        if (frames == 0) {
            throw new AudioFormatException(source, "the 'data' chunk holds no audio (" + size + " bytes, one frame is "
                    + format.blockAlign() + " bytes); supply a recording that is not empty");
        }
        float[] mono = new float[(int) frames];
        int bytes = format.encoding().bytes();
        double inverseChannels = 1.0 / channels;
        int p = offset;
        for (int f = 0; f < mono.length; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++, p += bytes) {
                sum += switch (format.encoding()) {
                    case PCM_U8 -> ((b[p] & 0xFF) - 128) * (1.0 / 128);
                    case PCM_S16 -> (short) Bytes.u16(b, p) * (1.0 / 32768);
                    case PCM_S24 -> ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) * (1.0 / 8388608);
                    case PCM_S32 -> Bytes.s32(b, p) * (1.0 / 2147483648.0);
                    case FLOAT_32 -> finite(source, Float.intBitsToFloat(Bytes.s32(b, p)), f, c);
                    case FLOAT_64 -> finite(source, Double.longBitsToDouble(Bytes.s64(b, p)), f, c);
                };
            }
            double x = sum * inverseChannels;
            // Float data may exceed full scale; integer data cannot, so this only clips float input.
            mono[f] = (float) Math.max(-1.0, Math.min(1.0, x));
        }
        return mono;
    }

    private static double finite(String source, double x, int frame, int channel) throws AudioFormatException {
        if (!Double.isFinite(x)) {
            throw new AudioFormatException(source, "float sample " + x + " at frame " + frame + ", channel " + channel
                    + "; float WAV data must be finite (the file is corrupt or was written by a broken effect chain)");
        }
        return x;
    }
}
