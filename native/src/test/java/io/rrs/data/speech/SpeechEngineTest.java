package io.rrs.data.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.audio.Audio;
import io.rrs.audio.WavDecoder;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every engine: the install message when its program or voice is absent, and, where the Debian
 * package is installed, real speech from every voice (skipped with the package to install otherwise).
 */
class SpeechEngineTest {
    static final String TEXT = "How do I bake a loaf of bread at home?";

    static Stream<Arguments> everyVoice() {
        return VoiceCatalog.debian().voices().stream().map(v -> Arguments.of(v.engine(), v.voice()));
    }

    /** The engine, or a skip naming the packages that would make it run. */
    static SpeechEngine installed(String engine, String voice) throws InterruptedException {
        SpeechEngine e = VoiceCatalog.debian().engine(engine);
        try {
            e.checkAvailable(voice);
        } catch (EngineMissingException missing) {
            Assumptions.abort(engine + " voice " + voice + " is not installed: " + missing.getMessage());
        }
        return e;
    }

    static double rms(Audio a) {
        double s = 0;
        for (float x : a.samples()) s += x * x;
        return Math.sqrt(s / a.length());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyVoice")
    void speaksAudibly16kHzForAPlausibleTime(String engine, String voice) throws Exception {
        SpeechEngine e = installed(engine, voice);
        Audio a = e.synthesize(TEXT, voice, 100, 100);
        assertEquals(16_000, a.sampleRate());
        // Nine words: well under a second would be a truncation, a dozen seconds a runaway.
        assertTrue(a.durationSeconds() > 1.2 && a.durationSeconds() < 8, engine + " " + voice + ": " + a.durationSeconds() + " s");
        assertTrue(rms(a) > 0.01, engine + " " + voice + ": RMS " + rms(a) + " is near silence");
        // Round trip through the dataset's WAV form keeps the samples (16-bit quantisation only).
        Audio back = WavDecoder.decode(SpeechEngine.wav16k(a));
        assertEquals(a.length(), back.length());
        for (int i = 0; i < a.length(); i += 97) assertEquals(a.sample(i), back.sample(i), 1.0 / 32768 + 1e-6);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyVoice")
    void rateAndPitchChangeTheSpeech(String engine, String voice) throws Exception {
        SpeechEngine e = installed(engine, voice);
        double slow = e.synthesize(TEXT, voice, 80, 100).durationSeconds();
        double fast = e.synthesize(TEXT, voice, 125, 100).durationSeconds();
        assertTrue(slow > 1.15 * fast, engine + " " + voice + ": 80% rate lasts " + slow + " s, 125% lasts " + fast + " s");
        if (e.variesPitch()) {
            Audio normal = e.synthesize(TEXT, voice, 100, 100);
            Audio higher = e.synthesize(TEXT, voice, 100, 125);
            assertFalse(java.util.Arrays.equals(normal.samples(), higher.samples()), engine + " " + voice + ": pitch 125% changed nothing");
        } else {
            assertThrows(IllegalArgumentException.class, () -> e.synthesize(TEXT, voice, 100, 110));
        }
    }

    @Test
    void absentProgramNamesTheDebianPackages(@TempDir Path tmp) {
        String none = tmp.resolve("absent").toString();
        var cases = List.of(
                new Object[] {EspeakEngine.espeak(none), "en-us+klatt2", "apt-get install espeak-ng'", false},
                new Object[] {EspeakEngine.mbrola(none), "mb-us2", "apt-get install espeak-ng mbrola mbrola-us2'", true},
                new Object[] {new FliteEngine(none), "kal16", "apt-get install flite'", false},
                new Object[] {new FestivalEngine(none), "ked_diphone", "apt-get install festival festvox-kdlpc16k'", false},
                new Object[] {new FestivalEngine(none), "cmu_us_slt_arctic_hts", "apt-get install festival festvox-us-slt-hts'", false},
                new Object[] {new RhvoiceEngine(none, tmp), "alan", "apt-get install rhvoice rhvoice-english'", true},
                new Object[] {new PicoEngine(none), "en-GB", "apt-get install libttspico-utils'", true});
        for (Object[] c : cases) {
            SpeechEngine e = (SpeechEngine) c[0];
            var missing = assertThrows(EngineMissingException.class, () -> e.checkAvailable((String) c[1]), e.name());
            String m = missing.getMessage();
            assertTrue(m.contains((String) c[2]), e.name() + ": " + m);
            if (!(e instanceof RhvoiceEngine)) assertTrue(m.contains("not found (tried '" + none + "')"), e.name() + ": " + m);
            assertEquals((boolean) c[3], m.contains("contrib/non-free"), e.name() + ": " + m);
        }
    }

    @Test
    void absentRhvoiceVoiceIsNamedEvenThoughTheProgramWouldFallBack(@TempDir Path emptyVoices) {
        var missing = assertThrows(EngineMissingException.class, () -> new RhvoiceEngine("RHVoice-test", emptyVoices).checkAvailable("clb"));
        assertTrue(missing.getMessage().contains("RHVoice voice 'clb' is not installed (no " + emptyVoices.resolve("clb") + ")"), missing.getMessage());
        assertTrue(missing.getMessage().contains("apt-get install rhvoice rhvoice-english"), missing.getMessage());
    }

    @Test
    void unknownVoicesAndOutOfRangeSettingsAreRefusedBeforeAnythingRuns(@TempDir Path tmp) {
        SpeechEngine e = new FliteEngine(tmp.resolve("absent").toString());
        var unknown = assertThrows(IllegalArgumentException.class, () -> e.synthesize(TEXT, "kal", 100, 100));
        assertTrue(unknown.getMessage().contains("flite has no voice 'kal'; it has [kal16, awb, rms, slt]"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.synthesize(TEXT, "kal16", 30, 100));
        assertThrows(IllegalArgumentException.class, () -> e.synthesize(" ", "kal16", 100, 100));
    }
}
