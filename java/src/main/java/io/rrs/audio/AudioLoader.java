package io.rrs.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The product's single entry point for audio input: WAV files, WAV bytes or raw float PCM at any
 * supported rate become 16 kHz mono {@link Audio}, the rate every model front-end here expects.
 * Decoding is {@link WavDecoder}; rate conversion is {@link Resampler} with its default design.
 */
public final class AudioLoader {
    /** The rate the models consume. */
    public static final int MODEL_SAMPLE_RATE = 16_000;

    private AudioLoader() {}

    /** Loads a WAV file as 16 kHz mono. */
    public static Audio load(Path wav) throws IOException {
        return toModelRate(WavDecoder.decode(wav));
    }

    /** Loads WAV bytes as 16 kHz mono; errors name the source {@code <bytes>}. */
    public static Audio load(byte[] wav) throws AudioFormatException {
        return toModelRate(WavDecoder.decode(wav));
    }

    /** Loads WAV bytes as 16 kHz mono; errors name {@code sourceName}. */
    public static Audio load(byte[] wav, String sourceName) throws AudioFormatException {
        return toModelRate(WavDecoder.decode(wav, sourceName));
    }

    /** Loads a whole WAV stream (not closed here) as 16 kHz mono; errors name {@code sourceName}. */
    public static Audio load(InputStream wav, String sourceName) throws IOException {
        return toModelRate(WavDecoder.decode(wav, sourceName));
    }

    /**
     * Wraps mono float PCM in [-1, 1] at {@code sampleRate} Hz and converts it to 16 kHz. Values
     * outside [-1, 1] are rejected rather than clipped: they almost always mean integer PCM that was
     * not scaled, and clipping it would hand the model noise.
     */
    public static Audio fromPcm(float[] samples, int sampleRate) {
        return toModelRate(new Audio(samples, sampleRate));
    }

    /** Converts audio to 16 kHz (a no-op when it already is). */
    public static Audio toModelRate(Audio audio) {
        return resample(audio, MODEL_SAMPLE_RATE);
    }

    /** Converts audio to any supported rate (a no-op when it already is). */
    public static Audio resample(Audio audio, int targetRate) {
        if (audio.sampleRate() == targetRate) return audio;
        return Resampler.of(audio.sampleRate(), targetRate).resample(audio);
    }
}
