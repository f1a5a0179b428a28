package io.rrs.audio;

import static io.rrs.audio.WavBytes.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of bad input gives an {@link AudioFormatException} that names the source and the
 * problem, never an index error or silent garbage. All inputs are hand-built bytes.
 */
class WavDecoderErrorTest {
    private static final byte[] FMT_PCM16 = fmt(1, 1, 16000, 2, 16);
    private static final byte[] DATA = chunk("data", le16((short) 1, (short) 2));

    /** Decodes and returns the message, asserting it names the source and contains every fragment. */
    private static String rejects(byte[] wav, String... fragments) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavDecoder.decode(wav, "clip.wav"));
        assertEquals("clip.wav", e.source());
        assertTrue(e.getMessage().startsWith("clip.wav: "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void emptyAndTooShortInput() {
        rejects(new byte[0], "only 0 bytes", "too short");
        rejects(ascii("RIFF\0\0\0"), "only 7 bytes");
    }

    @Test
    void inMemoryInputIsNamedBytes() {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavDecoder.decode(ascii("OggS....vorbis")));
        assertTrue(e.getMessage().startsWith("<bytes>: not a WAV file"), e.getMessage());
    }

    @Test
    void pathInputIsNamedByPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.wav");
        Files.write(file, ascii("ID3\u0003 mp3 data follows"));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavDecoder.decode(file));
        assertTrue(e.getMessage().startsWith(file + ": not a WAV file: it starts with 0x49443303"), e.getMessage());
        assertTrue(e.getMessage().contains("(it looks like MP3)"), e.getMessage());
        assertTrue(e.getMessage().contains("sox"), "a fix is suggested: " + e.getMessage());
    }

    @Test
    void wrongContainers() {
        rejects(concat(ascii("OggS"), new byte[40]), "not a WAV file", "'OggS'", "instead of 'RIFF' (it looks like Ogg)");
        rejects(concat(ascii("fLaC"), new byte[40]), "(it looks like FLAC)");
        rejects(concat(new byte[] {0, 1, 2, 3}, new byte[40]), "0x00010203");
        rejects(concat(ascii("RIFX"), le32(36), ascii("WAVE"), new byte[32]), "big-endian RIFX");
        rejects(concat(ascii("RF64"), le32(0xFFFFFFFFL), ascii("WAVE"), new byte[32]), "64-bit 'RF64'");
        rejects(concat(ascii("RIFF"), le32(36), ascii("AVI "), new byte[32]), "type 'AVI '", "not 'WAVE'");
    }

    @Test
    void missingChunks() {
        rejects(riff(DATA), "no 'fmt ' chunk", "[" + "'data'" + "]", "not a complete WAV");
        rejects(riff(FMT_PCM16, chunk("LIST", new byte[4])), "no 'data' chunk", "'fmt ', 'LIST'");
        rejects(riff(), "no 'fmt ' chunk", "[]");
    }

    @Test
    void manyEmptyChunksAreListedOnlyInPart() {
        byte[][] chunks = new byte[100_000][];
        java.util.Arrays.fill(chunks, chunk("junk", new byte[0]));
        String message = rejects(riff(chunks), "no 'fmt ' chunk", "'junk', ...]");
        assertTrue(message.length() < 400, message);
    }

    @Test
    void truncatedChunkHeader() {
        byte[] wav = concat(ascii("RIFF"), le32(100), ascii("WAVE"), FMT_PCM16, ascii("dat"));
        rejects(wav, "no 'data' chunk", "ends inside a chunk header at byte 36", "truncated");
    }

    @Test
    void fmtTooShort() {
        rejects(riff(chunk("fmt ", new byte[14]), DATA), "'fmt ' chunk is 14 bytes", "16 bytes");
        byte[] shortExtensible = chunk("fmt ", concat(fmtBody(0xFFFE, 1, 16000, 2, 16), le16(0)));
        rejects(riff(shortExtensible, DATA), "WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is 18 bytes", "40 bytes");
    }

    @Test
    void chunkSizePastEndOfFile() {
        byte[] list = concat(ascii("LIST"), le32(1000), new byte[10]);
        rejects(riff(FMT_PCM16, list), "chunk 'LIST' at byte 36 declares 1000 bytes but only 10 follow", "truncated");
        rejects(riff(chunk("fmt ", 2000, fmtBody(1, 1, 16000, 2, 16)), DATA), "chunk 'fmt ' at byte 12 declares 2000");
    }

    @Test
    void dataSizePastEndOfFileThatIsNotAStreamingPlaceholder() {
        byte[] data = concat(ascii("data"), le32(4000), le16((short) 1, (short) 2));
        rejects(riff(FMT_PCM16, data), "'data' chunk at byte 36 declares 4000 bytes but only 4 follow", "truncated");
        // Even a huge size must not be read as "to the end" unless it is one of the known placeholders.
        rejects(riff(FMT_PCM16, concat(ascii("data"), le32(0xFFFFFFFEL), le16((short) 1))), "declares 4294967294");
    }

    @ParameterizedTest(name = "format code {0} ({1})")
    @CsvSource({"7, mu-law", "6, A-law", "2, Microsoft ADPCM", "17, IMA ADPCM", "80, MPEG", "85, MPEG Layer 3",
        "49, GSM 6.10", "4660, unknown"})
    void unsupportedFormatCodesAreNamed(int code, String name) {
        String hex = String.format("0x%04X", code);
        rejects(riff(fmt(code, 1, 8000, 1, 8), DATA), "format code " + hex + " (" + name, "not supported", "sox");
    }

    @Test
    void extensibleWithForeignSubFormat() {
        rejects(riff(fmtExtensible(2, 8000, 8, 8, subFormatGuid(7)), DATA), "format code 0x0007 (mu-law)");
        byte[] ambisonic = subFormatGuid(1);
        ambisonic[15] = 0x00; // a different GUID tail is a different family of formats, not PCM
        rejects(riff(fmtExtensible(1, 16000, 16, 16, ambisonic), DATA), "SubFormat GUID", "neither PCM nor IEEE float");
        rejects(riff(fmtExtensible(1, 16000, 16, 24, subFormatGuid(1)), DATA), "24 valid bits in a 16-bit container");
    }

    @Test
    void unsupportedBitDepths() {
        rejects(riff(fmt(1, 1, 16000, 2, 12), DATA), "12-bit integer PCM is not supported");
        rejects(riff(fmt(3, 1, 16000, 2, 16), DATA), "16-bit IEEE float is not supported");
        rejects(riff(fmt(1, 1, 16000, 0, 0), DATA), "0-bit integer PCM");
    }

    @Test
    void blockAlignInconsistentWithChannelsAndBits() {
        rejects(riff(fmt(1, 2, 16000, 2, 16), DATA), "block align is 2 bytes but 2 channels of 16-bit samples need 4");
        rejects(riff(fmt(1, 1, 16000, 0, 16), DATA), "block align is 0 bytes");
        rejects(riff(fmt(3, 1, 16000, 8, 32), DATA), "block align is 8 bytes but 1 channels of 32-bit samples need 4");
    }

    @Test
    void absurdChannelCounts() {
        rejects(riff(fmt(1, 0, 16000, 0, 16), DATA), "header declares 0 channels", "1 to 64");
        rejects(riff(fmt(1, 65, 16000, 130, 16), DATA), "header declares 65 channels");
        rejects(riff(fmt(1, 65535, 16000, 2, 16), DATA), "header declares 65535 channels");
    }

    @ParameterizedTest(name = "rate {0}")
    @CsvSource({"0", "999", "768001", "4294967295"})
    void absurdSampleRates(long rate) {
        byte[] body = fmtBody(1, 1, 16000, 2, 16);
        System.arraycopy(le32(rate), 0, body, 4, 4);
        rejects(riff(chunk("fmt ", body), DATA), "sample rate of " + rate + " Hz", "[1000, 768000]");
    }

    @Test
    void zeroLengthAudio() {
        rejects(riff(FMT_PCM16, chunk("data", new byte[0])), "holds no audio (0 bytes, one frame is 2 bytes)");
        rejects(riff(fmt(1, 2, 16000, 4, 16), chunk("data", new byte[3])), "holds no audio (3 bytes, one frame is 4");
    }

    @Test
    void nonFiniteFloatSamples() {
        rejects(riff(fmt(3, 1, 16000, 4, 32), chunk("data", f32(0.1f, Float.NaN))), "NaN at frame 1, channel 0");
        rejects(riff(fmt(3, 2, 16000, 8, 32), chunk("data", f32(0f, 0f, 0f, Float.POSITIVE_INFINITY))),
                "Infinity at frame 1, channel 1");
        rejects(riff(fmt(3, 1, 16000, 8, 64), chunk("data", f64(Double.NEGATIVE_INFINITY))), "-Infinity at frame 0");
        rejects(riff(fmtExtensible(1, 16000, 64, 64, subFormatGuid(3)), chunk("data", f64(0.5, Double.NaN))),
                "NaN at frame 1");
    }

    /** Every truncation of a valid file fails cleanly (or still decodes); none throws anything else. */
    @Test
    void everyTruncationOfAValidFileFailsCleanly() {
        byte[] wav = riff(chunk("LIST", ascii("INFOabc")), fmtExtensible(2, 44100, 24, 24, subFormatGuid(1)),
                chunk("data", le24(1, 2, 3, 4, 5, 6)));
        int decoded = 0;
        for (int len = 0; len < wav.length; len++) {
            byte[] cut = Arrays.copyOf(wav, len);
            try {
                WavDecoder.decode(cut, "cut.wav");
                decoded++;
            } catch (AudioFormatException expected) {
                assertTrue(expected.getMessage().startsWith("cut.wav: "), expected.getMessage());
            }
        }
        assertEquals(0, decoded, "a data chunk that lost bytes is truncated, so no cut may decode");
    }
}
