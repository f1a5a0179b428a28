package io.rrs.audio;

import static io.rrs.audio.WavBytes.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding of well-formed, hand-built WAV bytes against exactly known sample values. */
class WavDecoderTest {

    private static void assertSamples(float[] expected, Audio actual) {
        assertArrayEquals(expected, actual.samples(), 1e-9f);
    }

    @Test
    void pcm16MonoScalesByFullScale() throws Exception {
        Audio a = WavDecoder.decode(pcm16Wav(16000, 1, (short) 0, (short) 16384, (short) -32768, (short) 32767));
        assertEquals(16000, a.sampleRate());
        assertSamples(new float[] {0f, 0.5f, -1f, 32767f / 32768f}, a);
    }

    @Test
    void unsigned8BitIsCenteredOn128() throws Exception {
        byte[] wav = riff(fmt(1, 1, 8000, 1, 8), chunk("data", new byte[] {(byte) 128, (byte) 192, 0, (byte) 255}));
        assertSamples(new float[] {0f, 0.5f, -1f, 127f / 128f}, WavDecoder.decode(wav));
    }

    @Test
    void signed24BitKeepsSignOfTopByte() throws Exception {
        byte[] wav = riff(fmt(1, 1, 48000, 3, 24), chunk("data", le24(0x400000, -0x800000, 0x7FFFFF, -1)));
        assertSamples(new float[] {0.5f, -1f, 0x7FFFFF / 8388608f, -1f / 8388608f}, WavDecoder.decode(wav));
    }

    @Test
    void signed32Bit() throws Exception {
        byte[] wav = riff(fmt(1, 1, 44100, 4, 32), chunk("data", le32s(0x40000000, Integer.MIN_VALUE, -0x20000000)));
        assertSamples(new float[] {0.5f, -1f, -0.25f}, WavDecoder.decode(wav));
    }

    @Test
    void float32AndFloat64ClipFiniteOvershoot() throws Exception {
        byte[] f32 = riff(fmt(3, 1, 22050, 4, 32), chunk("data", f32(0.25f, -0.75f, 1.5f, -3f)));
        assertSamples(new float[] {0.25f, -0.75f, 1f, -1f}, WavDecoder.decode(f32));
        byte[] f64 = riff(fmt(3, 1, 22050, 8, 64), chunk("data", f64(0.125, -0.5, 2.0)));
        assertSamples(new float[] {0.125f, -0.5f, 1f}, WavDecoder.decode(f64));
    }

    @Test
    void channelsAreAveragedToMono() throws Exception {
        Audio stereo = WavDecoder.decode(pcm16Wav(16000, 2, (short) 16384, (short) 0, (short) -32768, (short) 16384));
        assertSamples(new float[] {0.25f, -0.25f}, stereo);
        // Three channels (odd count) of 24-bit: frame averages 0.5, 0 and -0.5 over (1, 0.5, 0), (0.5, -0.5, 0), (-1, -0.5, 0).
        byte[] wav = riff(fmt(1, 3, 16000, 9, 24),
                chunk("data", le24(0x7FFFFF + 1 - 1, 0x400000, 0, 0x400000, -0x400000, 0, -0x800000, -0x400000, 0)));
        Audio three = WavDecoder.decode(wav);
        assertEquals(3, three.length());
        assertEquals((0x7FFFFF / 8388608.0 + 0.5) / 3, three.sample(0), 1e-7);
        assertEquals(0.0, three.sample(1), 1e-9);
        assertEquals(-0.5, three.sample(2), 1e-9);
    }

    @Test
    void extensiblePcmAndFloatFollowTheSubFormatGuid() throws Exception {
        byte[] pcm = riff(fmtExtensible(2, 96000, 24, 20, subFormatGuid(1)), chunk("data", le24(0x400000, 0x200000)));
        Audio a = WavDecoder.decode(pcm);
        assertEquals(96000, a.sampleRate());
        assertSamples(new float[] {0.375f}, a);
        byte[] flt = riff(fmtExtensible(1, 48000, 32, 32, subFormatGuid(3)), chunk("data", f32(-0.5f, 0.5f)));
        assertSamples(new float[] {-0.5f, 0.5f}, WavDecoder.decode(flt));
    }

    @Test
    void unknownChunksAreSkippedIncludingOddPadByte() throws Exception {
        byte[] list = chunk("LIST", ascii("INFOISFT" + "abc")); // 11 bytes: odd, followed by a pad byte
        assertEquals(8 + 11 + 1, list.length);
        byte[] wav = riff(chunk("JUNK", new byte[28]), fmt(1, 1, 16000, 2, 16), list,
                chunk("fact", le32(2)), chunk("data", le16((short) 8192, (short) -8192)), chunk("id3 ", new byte[5]));
        assertSamples(new float[] {0.25f, -0.25f}, WavDecoder.decode(wav));
    }

    @Test
    void oddChunkWithoutItsPadByteIsStillFollowed() throws Exception {
        byte[] unpaddedList = concat(ascii("LIST"), le32(5), ascii("INFOx")); // non-compliant: no pad byte
        byte[] wav = riff(unpaddedList, fmt(1, 1, 16000, 2, 16), chunk("data", le16((short) 16384)));
        assertSamples(new float[] {0.5f}, WavDecoder.decode(wav));
    }

    @Test
    void fmtAfterDataIsAccepted() throws Exception {
        byte[] wav = riff(chunk("data", le16((short) 16384)), fmt(1, 1, 16000, 2, 16));
        assertSamples(new float[] {0.5f}, WavDecoder.decode(wav));
    }

    @Test
    void longerFmtChunkWithCbSizeIsAccepted() throws Exception {
        byte[] fmtBody = concat(fmtBody(1, 1, 16000, 2, 16), le16(0));
        byte[] wav = riff(chunk("fmt ", fmtBody), chunk("data", le16((short) -16384)));
        assertSamples(new float[] {-0.5f}, WavDecoder.decode(wav));
    }

    @Test
    void streamingPlaceholderDataSizesRunToEndOfFile() throws Exception {
        for (long placeholder : new long[] {0xFFFFFFFFL, 0x7FFFF000L, 0x7FFFFFFFL}) {
            byte[] data = concat(ascii("data"), le32(placeholder), le16((short) 16384, (short) -16384, (short) 0));
            byte[] wav = concat(ascii("RIFF"), le32(placeholder), ascii("WAVE"), fmt(1, 1, 16000, 2, 16), data);
            assertSamples(new float[] {0.5f, -0.5f, 0f}, WavDecoder.decode(wav));
        }
    }

    @Test
    void trailingBytesAfterTheRiffBodyAreIgnored() throws Exception {
        byte[] wav = concat(pcm16Wav(16000, 1, (short) 16384), ascii("TAG+garbage-that-is-not-a-chunk"));
        assertSamples(new float[] {0.5f}, WavDecoder.decode(wav));
    }

    @Test
    void partialFinalFrameIsDropped() throws Exception {
        byte[] wav = riff(fmt(1, 2, 16000, 4, 16), chunk("data", le16((short) 16384, (short) 16384, (short) 5)));
        assertSamples(new float[] {0.5f}, WavDecoder.decode(wav));
    }

    @Test
    void boundaryRatesAndChannelCountsAreAccepted() throws Exception {
        assertEquals(1000, WavDecoder.decode(pcm16Wav(1000, 1, (short) 1)).sampleRate());
        assertEquals(768000, WavDecoder.decode(pcm16Wav(768000, 1, (short) 1)).sampleRate());
        short[] frame = new short[64];
        java.util.Arrays.fill(frame, (short) 8192);
        frame[63] = (short) (8192 + 64 * 128); // mean = 0.25 + 128/32768
        assertSamples(new float[] {0.25f + 128f / 32768f}, WavDecoder.decode(pcm16Wav(16000, 64, frame)));
    }

    @Test
    void pathAndStreamInputsDecodeLikeBytes(@TempDir Path dir) throws Exception {
        byte[] wav = pcm16Wav(8000, 1, (short) 100, (short) -100, (short) 3000);
        Path file = dir.resolve("clip.wav");
        Files.write(file, wav);
        Audio fromBytes = WavDecoder.decode(wav);
        assertEquals(fromBytes, WavDecoder.decode(file));
        assertEquals(fromBytes, WavDecoder.decode(new ByteArrayInputStream(wav), "stream"));
    }
}
