package io.rrs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BPE trainer: reproducible committed file, order independence, GPT-2 byte order, loadable output. */
class TokenizerBuilderTest {

    @Test
    void committedTokenizerIsExactlyWhatTheBuilderWrites(@TempDir Path dir) throws IOException {
        Path rebuilt = dir.resolve("tokenizer.json");
        TokenizerBuilder.buildProjectTokenizer(ProjectTokenizer.dataDir(), rebuilt);
        assertEquals(Files.readString(ProjectTokenizer.file()), Files.readString(rebuilt),
                "data/tokenizer/tokenizer.json is stale: rebuild it with 'rrs data tokenizer' and commit it");
    }

    @Test
    void outputDoesNotDependOnCorpusOrder() throws IOException {
        List<TokenizerBuilder.WeightedText> corpus = TokenizerBuilder.corpus(TokenizerBuilder.datasetTexts(ProjectTokenizer.dataDir()));
        List<TokenizerBuilder.WeightedText> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(7));
        TokenizerBuilder builder = new TokenizerBuilder(new TokenizerBuilder.Settings(600, 2));
        assertEquals(builder.buildJson(corpus), builder.buildJson(shuffled));
    }

    @Test
    void byteAlphabetIsGpt2Ordered() {
        List<String> alphabet = TokenizerBuilder.byteAlphabet();
        assertEquals(256, alphabet.size());
        assertEquals(256, new HashSet<>(alphabet).size());
        assertEquals("!", alphabet.get(0));
        assertEquals("I", alphabet.get(40));
        assertEquals("\u0120", alphabet.get(220)); // space is "Ġ"
        assertEquals("\u010A", alphabet.get(198)); // newline is "Ċ"
    }

    @Test
    void preTokenizerSplitsLikeQwen2() {
        assertEquals(List.of("How", "\u0120can", "\u0120I", "?"), TokenizerBuilder.preTokenize("How can I?"));
        assertEquals(List.of("I", "'ll", "\u0120do", "\u0120it", "\u0120", "1", "2"), TokenizerBuilder.preTokenize("I'll do it 12"));
        assertEquals(List.of("\u010A", "Please"), TokenizerBuilder.preTokenize("\nPlease"));
    }

    @Test
    void smallCorpusStopsWhenPairsRunOutAndLoadsInTheTokenizersLibrary(@TempDir Path dir) throws IOException {
        var corpus = List.of(new TokenizerBuilder.WeightedText("the cat sat on the mat", 3),
                new TokenizerBuilder.WeightedText("I cannot help with that.", 1));
        Path out = dir.resolve("tokenizer.json");
        new TokenizerBuilder(TokenizerBuilder.Settings.defaults()).write(corpus, out);
        try (TextTokenizer t = TextTokenizer.open(out)) {
            assertTrue(t.vocabSize() < 300, "only a handful of merges exist, got " + t.vocabSize());
            int[] ids = t.encode("the mat");
            assertEquals(2, ids.length, "'the' and ' mat' were merged whole");
            assertEquals("the mat", t.decode(ids));
            assertEquals("I", t.tokenText(t.refusalTokenId()));
            assertEquals(t.vocabSize() - 6, t.specialTokenId(SpecialTokens.END_OF_TEXT));
            assertArrayEquals(new int[] {t.specialTokenId(SpecialTokens.AUDIO)}, t.encodeParsingSpecialTokens(SpecialTokens.AUDIO));
        }
    }

    @Test
    void fixedPromptWordsAreWholeTokens() throws IOException {
        try (TextTokenizer t = ProjectTokenizer.open()) {
            for (String word : List.of(" refusal", " violates", " policy", " generate", " detailed", " audio", "Sure", " steps")) {
                assertEquals(1, t.encode(word).length, "'" + word + "' should be one token");
            }
        }
    }

    @Test
    void settingsAndTextsAreValidated() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TokenizerBuilder.Settings(100, 2));
        assertTrue(e.getMessage().contains("vocabSize must be >= 262"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TokenizerBuilder.WeightedText("x", 0));
    }

    @Test
    void missingDatasetNamesTheFileAndTheCommand(@TempDir Path dir) {
        var e = assertThrows(IOException.class, () -> TokenizerBuilder.datasetTexts(dir));
        assertTrue(e.getMessage().contains("harmful.json") && e.getMessage().contains("rrs data build"), e.getMessage());
    }
}
