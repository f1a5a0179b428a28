package io.rrs.audio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files written by sox in every supported encoding decode to the same samples as sox's own decode
 * (float32, channels averaged here). Skipped where sox is not installed; CI installs it.
 */
class WavSoxCrossCheckTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needSox() {
        assumeTrue(ExternalTools.has("sox"), "sox is not installed");
    }

    private static int formatCode(Path wav) throws Exception {
        byte[] b = Files.readAllBytes(wav);
        return Bytes.u16(b, 20);
    }

    @ParameterizedTest(name = "{0}-bit {1}, {2} ch, {3} Hz")
    @CsvSource({
        "8, unsigned-integer, 1, 8000", "8, unsigned-integer, 2, 11025",
        "16, signed-integer, 1, 16000", "16, signed-integer, 2, 44100", "16, signed-integer, 6, 48000",
        "24, signed-integer, 1, 22050", "24, signed-integer, 2, 44100", "24, signed-integer, 3, 96000",
        "32, signed-integer, 2, 48000", "32, signed-integer, 8, 32000",
        "32, floating-point, 1, 44100", "32, floating-point, 2, 16000",
        "64, floating-point, 1, 8000", "64, floating-point, 4, 192000"})
    void decodesLikeSox(int bits, String encoding, int channels, int rate) throws Exception {
        Path wav = dir.resolve("f.wav");
        // A different tone, noise or sweep per channel, so a wrong channel stride or order shows up.
        ExternalTools.run("sox", "-n", "-r", Integer.toString(rate), "-c", Integer.toString(channels), "-b",
                Integer.toString(bits), "-e", encoding, wav.toString(), "synth", "0.25", "sine", "440", "whitenoise",
                "sine", "100-3000", "square", "300", "sine", "1250", "pinknoise", "gain", "-1");
        boolean isFloat = encoding.startsWith("float");
        boolean expectExtensible = !isFloat && (channels > 2 || bits > 16);
        assertEquals(expectExtensible ? 0xFFFE : (isFloat ? 3 : 1), formatCode(wav),
                "sox writes WAVE_FORMAT_EXTENSIBLE for integer PCM of more than 2 channels or 16 bits");

        Audio mine = WavDecoder.decode(wav);
        float[] reference = ExternalTools.soxDecodeMono(wav);
        assertEquals(rate, mine.sampleRate());
        assertEquals(reference.length, mine.length());
        double maxError = 0, energy = 0;
        for (int i = 0; i < reference.length; i++) {
            maxError = Math.max(maxError, Math.abs(mine.sample(i) - reference[i]));
            energy += reference[i] * reference[i];
        }
        assertTrue(energy > 0.01 * reference.length, "the test signal is not silent");
        // Exact for 8/16/24-bit; 32-bit integer and 64-bit float round to float32 on both sides.
        assertTrue(maxError <= (bits <= 24 ? 1e-7 : 2e-7), "max |mine - sox| = " + maxError);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"u-law, 0x0007 (mu-law)", "a-law, 0x0006 (A-law)", "ms-adpcm, 0x0002 (Microsoft ADPCM)",
        "ima-adpcm, 0x0011 (IMA ADPCM)", "gsm-full-rate, 0x0031 (GSM 6.10)"})
    void compressedEncodingsAreRejectedByName(String encoding, String expected) throws Exception {
        Path wav = dir.resolve(encoding + ".wav");
        ExternalTools.run("sox", "-n", "-r", "8000", "-c", "1", "-e", encoding, wav.toString(), "synth", "0.2", "sine", "440");
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavDecoder.decode(wav));
        assertTrue(e.getMessage().contains("format code " + expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(wav.toString()), e.getMessage());
    }

    @Test
    void soxStreamedToAPipeDecodesToTheEnd() throws Exception {
        // -D: no dither, so both runs write identical samples. Writing to stdout, sox cannot seek back, so it leaves its 0x7FFFF000 placeholder in the sizes.
        byte[] streamed = ExternalTools.run("sox", "-D", "-n", "-r", "16000", "-b", "16", "-t", "wav", "-", "synth", "0.3",
                "sine", "440");
        assertEquals(0x7FFFF000L, Bytes.u32(streamed, streamed.length - 4800 * 2 - 4));
        Path file = dir.resolve("seekable.wav");
        ExternalTools.run("sox", "-D", "-n", "-r", "16000", "-b", "16", file.toString(), "synth", "0.3", "sine", "440");
        assertEquals(WavDecoder.decode(file).length(), WavDecoder.decode(streamed).length());
        assertArrayEquals(WavDecoder.decode(file).samples(), WavDecoder.decode(streamed).samples());
    }

    @Test
    void espeakSpeechDecodesLikeSox() throws Exception {
        assumeTrue(ExternalTools.has("espeak-ng"), "espeak-ng is not installed");
        Path wav = dir.resolve("speech.wav");
        ExternalTools.run("espeak-ng", "-v", "en-us", "-s", "170", "-w", wav.toString(), "Where is the nearest library?");
        Audio mine = WavDecoder.decode(wav);
        float[] reference = ExternalTools.soxDecodeMono(wav);
        assertTrue(mine.durationSeconds() > 0.8, mine.toString());
        assertArrayEquals(reference, mine.samples(), 0f);
        assertEquals(22050, mine.sampleRate(), "espeak-ng synthesises at 22050 Hz");
    }
}
