package io.rrs.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rrs.io.Npy;
import io.rrs.testing.PythonReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WhisperLogMel against the float64 torch reference on freshly generated audio: espeak-ng speech in
 * several voices and rates plus noise, concatenated past 30 s, a 3-6 s cut of it and a 100-sample
 * clip; 80 and 128 mels, with and without pad/trim; also the filter bank against torchaudio's.
 * Skipped where Debian's python3-torch is missing (PythonReference.available()).
 */
class WhisperLogMelLiveTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws Exception {
        assumeTrue(PythonReference.available(), "no /usr/bin/python3 with torch + torchaudio");
        Path script = PythonReference.repoRoot().resolve("java/src/test/python/whisper_logmel_reference.py");
        long seed = System.nanoTime() % 100000;
        System.out.println("whisper live reference seed " + seed + ": " + PythonReference.run(script, "live", dir.toString(), Long.toString(seed)).strip());
    }

    @Test
    void freshSpeechMatchesTorchForEveryCase() throws Exception {
        for (String name : new String[] {"long", "short", "tiny"}) {
            float[] input = Npy.read(dir.resolve(name + "_input.npy")).toFloatArray();
            for (int mels : new int[] {80, 128}) {
                for (boolean pad : new boolean[] {true, false}) {
                    Path reference = dir.resolve(name + "_mels" + mels + (pad ? "_pad" : "_full") + ".npy");
                    if (!pad && input.length <= 200) {
                        assertTrue(Files.notExists(reference), "the reference also refuses < 201 samples without padding");
                        continue;
                    }
                    float[][] expected = Npy.read(reference).toFloatMatrix();
                    WhisperFeatures actual = new WhisperLogMel(WhisperOptions.ofMels(mels).withPadOrTrim(pad)).extract(input);
                    assertEquals(expected.length, actual.numFrames(), name + " frame count");
                    WhisperLogMelTest.assertClose("live " + name + " (" + input.length + ") mels" + mels + (pad ? " pad" : " full"), expected, actual.frames(), 1);
                }
            }
        }
    }

    @Test
    void slaneyFiltersMatchTorchaudio() throws Exception {
        for (int mels : new int[] {80, 128}) {
            Npy.Array expected = Npy.read(dir.resolve("filters_mels" + mels + ".npy"));
            double[][] actual = SlaneyMelFilterBank.forWhisper(WhisperOptions.ofMels(mels)).toDense();
            assertEquals(mels, expected.rows());
            double max = 0;
            for (int m = 0; m < mels; m++)
                for (int k = 0; k < 201; k++) max = Math.max(max, Math.abs(expected.data()[m * 201 + k] - actual[m][k]));
            System.out.printf("slaney filters mels%d max |diff| vs torchaudio %.3g%n", mels, max);
            assertTrue(max < 1e-12, "filter weights differ from torchaudio by " + max);
        }
    }
}
