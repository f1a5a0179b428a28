package io.rrs.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.audio.Audio;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import io.rrs.testing.PythonReference;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import io.rrs.text.TextTokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query encoder: compact features restore the window bit for bit, positions follow the rule, batches pad as documented. */
class QueryEncoderTest {
    static final WhisperOptions FRONT_END = new WhisperOptions(80, 400, 160, 16000, 2, true); // a 200-frame window
    static TextTokenizer tokenizer;
    static QueryEncoder encoder;

    @BeforeAll
    static void open() throws Exception {
        tokenizer = TextTokenizer.open(PythonReference.repoRoot().resolve("data/tokenizer/tokenizer.json"));
        encoder = new QueryEncoder(FRONT_END, new ChatTemplate(tokenizer));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static Audio tone(double seconds, int rate, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < x.length; i++) {
            double t = i / (double) rate;
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 180 * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)) + 0.01 * rnd.nextGaussian());
        }
        return new Audio(x, rate);
    }

    /** The whole padded window as the front-end computes it, [mels][window]. */
    static float[] window(Audio audio) {
        WhisperLogMel logMel = new WhisperLogMel(FRONT_END);
        float[] out = new float[80 * FRONT_END.chunkFrames()];
        logMel.extractMelMajor(audio.samples(), out);
        return out;
    }

    @Test
    void compactFeaturesRestoreTheWholeWindowBitForBit() {
        Audio audio = tone(0.9, 16000, 1);
        AudioFeatures f = encoder.features(audio);
        assertEquals(90, f.validFrames());
        assertEquals(90 + AudioPositions.TRIM_MARGIN_FRAMES, f.keptFrames());
        assertEquals(200, f.windowFrames());
        float[] restored = new float[80 * 200];
        f.copyInto(restored, 0, 200);
        assertArrayEquals(window(audio), restored);
        assertFalse(f.trimmed());
        assertEquals(0.9, f.seconds(), 1e-9);
    }

    @Test
    void batchesCarryTheWindowOrTheLongestClipAndRowsWithoutAudioAreZero() {
        Audio shortClip = tone(0.9, 16000, 2), longClip = tone(1.5, 16000, 3);
        EncodedQuery a = encoder.encode(encoder.features(shortClip), p -> ChatPrompt.audioText(p, "Answer."));
        EncodedQuery b = encoder.encode(encoder.features(longClip), ChatPrompt::audioOnly);
        EncodedQuery text = encoder.encode(ChatPrompt.textOnly("What is bread?"));

        EncodedBatch whole = encoder.batch(List.of(a, b), QueryEncoder.AudioPadding.WINDOW);
        assertEquals(200, whole.audio().frames());
        assertArrayEquals(window(shortClip), Arrays.copyOf(whole.audio().features(), 80 * 200));
        assertArrayEquals(new long[] {90, 150}, whole.audio().validFrames());

        EncodedBatch cut = encoder.batch(List.of(a, text, b), QueryEncoder.AudioPadding.BATCH);
        int frames = 150 + AudioPositions.TRIM_MARGIN_FRAMES;
        assertEquals(frames, cut.audio().frames());
        float[] full = window(shortClip);
        for (int m = 0; m < 80; m++)
            for (int t = 0; t < frames; t++)
                assertEquals(full[m * 200 + t], cut.audio().features()[m * frames + t], 0f, "mel " + m + ", frame " + t);
        for (int i = 80 * frames; i < 2 * 80 * frames; i++) assertEquals(0f, cut.audio().features()[i], "the text-only row holds no features");
        assertArrayEquals(new long[] {90, 0, 150}, cut.audio().validFrames());
        int longest = Math.max(a.tokens().length(), Math.max(b.tokens().length(), text.tokens().length()));
        assertEquals(longest, cut.text().length(), "rows are left-padded to the longest prompt");

        assertNull(encoder.batch(List.of(text), QueryEncoder.AudioPadding.WINDOW).audio(), "a batch without audio carries no features");
    }

    @Test
    void theUserTurnGetsOnePlaceholderPerPooledPosition() {
        AudioFeatures f = encoder.features(tone(1.3, 16000, 4));
        EncodedQuery q = encoder.encode(f, p -> ChatPrompt.audioText(p, "Answer the question in the audio."));
        assertEquals(AudioPositions.of(f.validFrames()), q.tokens().audioLength());
        int audioId = encoder.template().audioTokenId();
        assertEquals(q.tokens().audioLength(), Arrays.stream(q.tokens().ids()).filter(id -> id == audioId).count());
        assertEquals(InputCondition.AUDIO_TEXT, q.tokens().condition());
        var e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(f, p -> ChatPrompt.textOnly("no audio here")));
        assertTrue(e.getMessage().contains("carries no audio"), e.getMessage());
    }

    @Test
    void anySampleRateIsResampledAndLongClipsKeepTheirFirstWindow() {
        AudioFeatures at44k = encoder.features(tone(1.0, 44100, 5));
        assertEquals(100, at44k.validFrames(), "1 s at 44.1 kHz is 1 s at 16 kHz");
        AudioFeatures longer = encoder.features(tone(3.5, 16000, 6));
        assertTrue(longer.trimmed());
        assertEquals(200, longer.validFrames());
        assertEquals(200, longer.keptFrames());
        assertEquals(3.5, longer.seconds(), 1e-9);
    }

    @Test
    void clipsTooShortForOnePositionAreRefusedByLength() {
        var e = assertThrows(IllegalArgumentException.class, () -> encoder.features(new Audio(new float[300], 16000)));
        assertTrue(e.getMessage().contains("300 samples") && e.getMessage().contains("30 ms"), e.getMessage());
    }
}
