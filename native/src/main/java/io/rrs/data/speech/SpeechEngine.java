package io.rrs.data.speech;

import io.rrs.audio.Audio;
import io.rrs.audio.WavEncoder;
import java.io.IOException;
import java.util.List;

/**
 * Scope: one speech synthesiser behind the interface the spoken corpus uses. An engine speaks a
 * text in one of its voices at a relative rate and pitch (percent; 100 = the voice's own) and
 * returns 16 kHz mono audio, whatever rate the program itself writes.
 */
public interface SpeechEngine {
    /** The sample rate every engine returns. */
    int SAMPLE_RATE = 16_000;

    /** Short name, as the manifest records it, e.g. "flite". */
    String name();

    /** The engine's licence and, where it differs, its voices' (what may be committed). */
    String licence();

    /** The voices this engine speaks (names as {@link #synthesize} takes them). */
    List<String> voices();

    /** The Debian packages that provide {@code voice} (the program and the voice data). */
    String debianPackages(String voice);

    /** Whether {@link #synthesize} accepts a pitch other than 100. */
    boolean variesPitch();

    /**
     * Fails with {@link EngineMissingException} naming the Debian packages to install unless the
     * program runs and speaks {@code voice}.
     */
    void checkAvailable(String voice) throws EngineMissingException, InterruptedException;

    /** Speaks {@code text} in {@code voice}; rate and pitch are percent of the voice's own. */
    Audio synthesize(String text, String voice, int ratePercent, int pitchPercent) throws IOException, InterruptedException;

    /** The bytes of {@code audio} (16 kHz) as a mono 16-bit PCM WAV, samples scaled as the decoder reads them back (x 32768, clipped). */
    static byte[] wav16k(Audio audio) {
        if (audio.sampleRate() != SAMPLE_RATE) throw new IllegalArgumentException("expected " + SAMPLE_RATE + " Hz audio, got " + audio.sampleRate());
        float[] x = audio.samples();
        short[] pcm = new short[x.length];
        for (int i = 0; i < x.length; i++) pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768.0)));
        return WavEncoder.pcm16(pcm, SAMPLE_RATE);
    }
}
