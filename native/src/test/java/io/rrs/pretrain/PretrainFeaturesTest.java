package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.audio.AudioLoader;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached, trimmed features equal the full-window features inference computes, frame for frame. */
class PretrainFeaturesTest {
    @TempDir
    Path tmp;

    @Test
    void trimmedClipPaddedWithItsSilenceEqualsTheWholeWindow() throws Exception {
        Path wav = tmp.resolve("a.wav");
        PretrainFixtures.writeTone(wav, 0.9, 700);
        MelFeatureCache cache = new MelFeatureCache(PretrainFixtures.tinySize().toConfig());
        MelFeatureCache.Clip clip = cache.clip("a", wav);
        int window = 200, mels = 80; // max_source_positions 100
        assertEquals(90, clip.validFrames());
        assertEquals(90 + MelFeatureCache.MARGIN_FRAMES, clip.keptFrames());

        WhisperLogMel full = new WhisperLogMel(new WhisperOptions(mels, 400, 160, 16000, 2, true));
        float[] samples = AudioLoader.load(wav).samples();
        float[] reference = new float[mels * full.numFrames(0)];
        full.extractMelMajor(samples, reference);
        int referenceFrames = full.numFrames(samples.length);
        assertEquals(window, referenceFrames);

        // padded to the window by batch(): a longer clip in the batch forces the full window
        Path longer = tmp.resolve("b.wav");
        PretrainFixtures.writeTone(longer, 2.5, 300);
        MelFeatureCache.Batch batch = cache.batch(List.of(clip, cache.clip("b", longer)));
        assertEquals(window, batch.frames());
        float[] row0 = Arrays.copyOf(batch.features(), mels * window);
        for (int m = 0; m < mels; m++)
            for (int t = 0; t < window; t++)
                assertEquals(reference[m * referenceFrames + t], row0[m * window + t], 0f, "mel " + m + ", frame " + t);
        assertTrue(batch.validFrames()[0] == 90 && batch.validFrames()[1] == 200);
    }
}
