package io.rrs.pretrain;

import io.rrs.audio.AudioLoader;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import io.rrs.model.Qwen2AudioConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: Whisper log-mel features of each training utterance, computed once and kept in memory (every
 * epoch reads every utterance; the front-end would otherwise cost as much as a training step).
 * Features are computed as inference does (the clip padded to the model's window, so the global
 * maximum and the frames at the clip's end are the same), but only the valid frames plus a margin are
 * kept: past the clip, the window holds digital silence, whose features are one constant per mel bin.
 * A batch is then padded with that constant to its longest clip, which gives the encoder the same
 * inputs the full window would for every frame its valid outputs see (padded frames are masked as keys).
 * About 80 x 300 floats (96 KB) per 3 s clip: ~400 MB for the 4012 training utterances.
 */
final class MelFeatureCache {
    /** Frames kept past the clip: the two stride convolutions read one frame beyond each edge, kept generously. */
    static final int MARGIN_FRAMES = 8;

    /** One clip: {@code melMajor} is [mel][keptFrames]; {@code validFrames} of them are audio. */
    record Clip(float[] melMajor, int keptFrames, int validFrames) {
        float silence(int mel) {
            return melMajor[mel * keptFrames + keptFrames - 1];
        }
    }

    /** A batch of clips, [B, mel, frames] in C order, and each row's valid frame count (0 = no audio). */
    record Batch(float[] features, int frames, long[] validFrames) {}

    private final int melBins;
    private final int windowFrames;
    private final WhisperLogMel logMel;
    private final float[] chunkBuffer;
    private final Map<String, Clip> clips = new HashMap<>();

    MelFeatureCache(Qwen2AudioConfig config) {
        this.melBins = config.audio().numMelBins();
        this.windowFrames = config.audio().maxFrames();
        int seconds = Math.max(1, (windowFrames + 99) / 100); // the front-end's window is whole seconds
        this.logMel = new WhisperLogMel(new WhisperOptions(melBins, 400, 160, 16000, seconds, true));
        this.chunkBuffer = new float[melBins * logMel.numFrames(0)];
    }

    int melBins() {
        return melBins;
    }

    int size() {
        return clips.size();
    }

    /** The clip of utterance {@code id}, computed on first use. */
    Clip clip(String id, Path wav) {
        Clip cached = clips.get(id);
        if (cached != null) return cached;
        float[] samples;
        try {
            samples = AudioLoader.load(wav).samples();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audio of " + id + " (" + wav + "): " + e.getMessage()
                    + "; rebuild the spoken dataset with 'rrs data build'", e);
        }
        int valid = Math.min(logMel.extractMelMajor(samples, chunkBuffer), windowFrames);
        if (valid < 3) throw new IllegalArgumentException(id + ": " + wav + " is too short (" + valid + " frames); the audio tower needs >= 3");
        int chunkFrames = logMel.numFrames(samples.length);
        int kept = Math.min(windowFrames, valid + MARGIN_FRAMES);
        float[] mel = new float[melBins * kept];
        for (int m = 0; m < melBins; m++) System.arraycopy(chunkBuffer, m * chunkFrames, mel, m * kept, kept);
        Clip clip = new Clip(mel, kept, valid);
        clips.put(id, clip);
        return clip;
    }

    /** Pads the clips (null = a row without audio) to the longest, with each clip's silence value. */
    Batch batch(List<Clip> rows) {
        int frames = 0;
        for (Clip c : rows) if (c != null) frames = Math.max(frames, c.keptFrames());
        float[] out = new float[rows.size() * melBins * frames];
        long[] valid = new long[rows.size()];
        for (int b = 0; b < rows.size(); b++) {
            Clip c = rows.get(b);
            if (c == null) continue; // no audio: zeros, never encoded (valid frames 0)
            valid[b] = c.validFrames();
            for (int m = 0; m < melBins; m++) {
                int base = (b * melBins + m) * frames;
                System.arraycopy(c.melMajor(), m * c.keptFrames(), out, base, c.keptFrames());
                java.util.Arrays.fill(out, base + c.keptFrames(), base + frames, c.silence(m));
            }
        }
        return new Batch(out, frames, valid);
    }
}
