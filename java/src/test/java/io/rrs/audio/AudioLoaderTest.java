package io.rrs.audio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The product entry point: any WAV or PCM becomes 16 kHz mono; the bundled example and a streamed fixture load. */
class AudioLoaderTest {

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = AudioLoaderTest.class.getResourceAsStream(name)) {
            assertNotNull(in, "missing resource " + name);
            return in.readAllBytes();
        }
    }

    @Test
    void bundledExampleIsThreeSecondsOfSixteenKilohertzSpeech() throws Exception {
        byte[] wav = resource("/io/rrs/example/example.wav");
        assertTrue(wav.length < 150_000, "example.wav stays small: " + wav.length);
        Audio a = AudioLoader.load(wav, "example.wav");
        assertEquals(16000, a.sampleRate());
        assertEquals(3.2, a.durationSeconds(), 0.3);
        assertEquals(WavDecoder.decode(wav), a, "a 16 kHz file passes through unchanged");
        double peak = 0;
        for (float x : a.samples()) peak = Math.max(peak, Math.abs(x));
        assertTrue(peak > 0.1, "the example is not silence: peak " + peak);
    }

    @Test
    void streamedEspeakFixtureLoadsAndIsResampled() throws Exception {
        // espeak-ng --stdout writes 0x7FFFF000 as the data size: the data runs to the end of the file.
        byte[] wav = resource("espeak-stdout.wav");
        Audio native22k = WavDecoder.decode(wav, "espeak-stdout.wav");
        assertEquals(22050, native22k.sampleRate());
        assertEquals((wav.length - 44) / 2, native22k.length());
        Audio a = AudioLoader.load(wav);
        assertEquals(16000, a.sampleRate());
        assertEquals(native22k.durationSeconds(), a.durationSeconds(), 1.0 / 16000);
    }

    @Test
    void loadsFromPathBytesAndStreamAlike(@TempDir Path dir) throws Exception {
        float[] tone = Signals.tone(440, 0.5, 0, 44100, 0.5);
        short[] pcm = new short[tone.length];
        for (int i = 0; i < tone.length; i++) pcm[i] = (short) Math.round(tone[i] * 32767);
        byte[] wav = WavBytes.pcm16Wav(44100, 1, pcm);
        Path file = dir.resolve("tone.wav");
        Files.write(file, wav);
        Audio fromPath = AudioLoader.load(file);
        assertEquals(16000, fromPath.sampleRate());
        assertEquals(8000, fromPath.length());
        assertEquals(fromPath, AudioLoader.load(wav));
        assertEquals(fromPath, AudioLoader.load(new java.io.ByteArrayInputStream(wav), "tone.wav"));
        assertTrue(Signals.snrDb(Signals.tone(440, 0.5, 0, 16000, 0.5), fromPath.samples(), 400) > 70);
    }

    @Test
    void pcmArraysAreResampledAndUnscaledIntegersRejected() {
        Audio a = AudioLoader.fromPcm(Signals.tone(1000, 0.25, 0, 48000, 1.0), 48000);
        assertEquals(16000, a.length());
        assertEquals(0.25 / Math.sqrt(2), Signals.rms(a.samples(), 800), 1e-4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AudioLoader.fromPcm(new float[] {0f, 12000f, -3000f}, 16000));
        assertTrue(e.getMessage().contains("divide by 32768"), e.getMessage());
    }

    @Test
    void fullScaleInputStaysInRangeAfterResampling() {
        float[] clipped = new float[22050];
        for (int i = 0; i < clipped.length; i++) clipped[i] = (i / 40) % 2 == 0 ? 1f : -1f;
        Audio a = AudioLoader.fromPcm(clipped, 22050);
        for (int i = 0; i < a.length(); i++) assertTrue(Math.abs(a.sample(i)) <= 1f);
    }

    @Test
    void errorsNameTheSource() {
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> AudioLoader.load(WavBytes.ascii("not audio at all"), "upload-17.wav"));
        assertTrue(e.getMessage().startsWith("upload-17.wav: not a WAV file"), e.getMessage());
    }

    @Test
    void espeakSpeechAtAnyRateLoadsToTheSameSixteenKilohertzSignal(@TempDir Path dir) throws Exception {
        assumeTrue(ExternalTools.has("espeak-ng") && ExternalTools.has("sox"), "espeak-ng and sox are needed");
        Path speech = dir.resolve("speech.wav");
        ExternalTools.run("espeak-ng", "-v", "en-gb", "-s", "180", "-w", speech.toString(), "Please set an alarm for seven.");
        Path stereo48k = dir.resolve("speech-48k-stereo-24bit.wav");
        ExternalTools.run("sox", speech.toString(), "-D", "-r", "48000", "-c", "2", "-b", "24", stereo48k.toString());
        Audio direct = AudioLoader.load(speech);
        Audio viaStereo = AudioLoader.load(stereo48k);
        assertEquals(direct.length(), viaStereo.length(), 1);
        double snr = Signals.snrDb(direct.samples(), viaStereo.samples(), 800);
        System.out.printf("espeak speech: 22050 Hz mono vs 48 kHz 24-bit stereo copy, both loaded at 16 kHz: SNR %.1f dB%n", snr);
        assertTrue(snr > 40, "SNR " + snr);
    }
}
