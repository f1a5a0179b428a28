package io.rrs.text;

import io.rrs.testing.PythonReference;
import java.io.IOException;
import java.nio.file.Path;

/** Test helper: the committed project tokenizer and dataset copy at the repository root. */
final class ProjectTokenizer {
    private ProjectTokenizer() {}

    static Path dataDir() {
        return PythonReference.repoRoot().resolve("data/rrs");
    }

    static Path file() {
        return PythonReference.repoRoot().resolve("data/tokenizer/tokenizer.json");
    }

    static TextTokenizer open() throws IOException {
        return TextTokenizer.open(file());
    }
}
