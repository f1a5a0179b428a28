package io.rrs.frontend;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Compares with the committed torchaudio references in {@code src/test/resources/kaldi_fbank}
 * (regenerate with {@code /usr/bin/python3 java/src/test/python/kaldi_fbank_reference.py
 * java/src/test/resources/kaldi_fbank --golden}). Runs without Python.
 */
class KaldiFbankGoldenTest {

    static Path goldenDir() throws URISyntaxException {
        var url = KaldiFbankGoldenTest.class.getResource("/kaldi_fbank/manifest.tsv");
        assertNotNull(url, "test resource kaldi_fbank/manifest.tsv is missing");
        return Path.of(url.toURI()).getParent();
    }

    @TestFactory
    Stream<DynamicTest> matchesCommittedTorchaudioReferences() throws Exception {
        Path dir = goldenDir();
        List<KaldiReferenceCases.Case> cases = KaldiReferenceCases.read(dir);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> System.out.println("[golden] " + KaldiReferenceCases.check(dir, c).line())));
    }
}
