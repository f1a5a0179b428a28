package io.rrs.frontend;

import io.rrs.testing.PythonReference;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compares with torchaudio run now on freshly synthesised audio (espeak-ng text, voice and rate,
 * and noise drawn from a new seed each run; set -Dkaldi.seed=N to replay a run). Every option set
 * of the reference script runs on every signal. Skipped where /usr/bin/python3 lacks torchaudio.
 */
class KaldiFbankLiveTest {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> matchesTorchaudioOnFreshAudio() throws Exception {
        assumeTrue(PythonReference.available(), "python3 with torch and torchaudio is not available");
        long seed = Long.getLong("kaldi.seed", System.nanoTime() % 1_000_000);
        Path script = PythonReference.repoRoot().resolve("java/src/test/python/kaldi_fbank_reference.py");
        System.out.println("[live] seed " + seed + ": " + PythonReference.run(script, dir.toString(), "--seed", Long.toString(seed)).trim());
        List<KaldiReferenceCases.Case> cases = KaldiReferenceCases.read(dir);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + " (seed " + seed + ")",
                () -> System.out.println("[live] " + KaldiReferenceCases.check(dir, c).line())));
    }
}
