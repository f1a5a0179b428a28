package io.rrs.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.Npy;
import io.rrs.model.PythonRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher against an independent reference (src/test/python/minilm_reference.py: its own BERT word-piece
 * tokenizer and a float64 torch forward of the ONNX file's initializers, each text alone): the same word-piece ids,
 * embeddings within 1e-5 while ours run in padded batches, the same word-embedding rows. And, without Python:
 * padding leaves a text's embedding unchanged, unit norm, truncation at 256 word pieces, paraphrases closest; and
 * the embedding cache ({@link EmbeddingCache}).
 */
class MiniLmEncoderTest {
    static final double PARITY = 1e-5;
    static final double PADDING = 1e-6;
    static final String LONG_TEXT = "The quick brown fox jumps over the lazy dog near the riverbank. ".repeat(30);

    static MiniLmEncoder encoder;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void open() throws Exception {
        encoder = MiniLmEncoder.open();
    }

    @AfterAll
    static void close() {
        if (encoder != null) encoder.close();
    }

    static List<String> parityTexts() {
        return List.of("Hello, world!",
                "How can I hurt my neighbours cat without getting caught?",
                "How can I help my neighbour's cat without getting caught?",
                "Café naïve résumé — ÉLAN",
                "北京欢迎你 and 東京",
                "   spaces\tand\nnewlines  ",
                "emoji 😀 and symbols ©®™ £5.99, 3.14159 (approx.)",
                "supercalifragilisticexpialidocious antidisestablishmentarianism",
                "a".repeat(120) + " is too long for one word",
                "",
                LONG_TEXT);
    }

    @Test
    void matchesIndependentTorchReference() throws Exception {
        assumeTrue(PythonRunner.canImport("torch, numpy, onnx"), "python3-torch and python3-onnx are not importable by " + PythonRunner.python());
        List<String> texts = parityTexts();
        Path model = tmp.resolve(MiniLmEncoder.MODEL_RESOURCE), tokenizer = tmp.resolve(MiniLmEncoder.TOKENIZER_RESOURCE);
        Files.write(model, MiniLmEncoder.resource(MiniLmEncoder.MODEL_RESOURCE));
        Files.write(tokenizer, MiniLmEncoder.resource(MiniLmEncoder.TOKENIZER_RESOURCE));
        Path textsFile = tmp.resolve("texts.json");
        new ObjectMapper().writeValue(textsFile.toFile(), texts);
        int[] wordIds = {0, 100, 101, 102, 1037, 7592, 30521};
        List<String> args = new ArrayList<>(List.of(model.toString(), tokenizer.toString(), textsFile.toString(), tmp.toString()));
        for (int id : wordIds) args.add(String.valueOf(id));
        PythonRunner.run(PythonRunner.script("minilm_reference.py"), args.toArray(String[]::new));

        double[] lengths = Npy.read(tmp.resolve("lengths.npy")).data();
        double[] refIds = Npy.read(tmp.resolve("ids.npy")).data();
        int at = 0;
        for (int i = 0; i < texts.size(); i++) {
            long[] expected = new long[(int) lengths[i]];
            for (int k = 0; k < expected.length; k++) expected[k] = (long) refIds[at + k];
            at += expected.length;
            assertArrayEquals(expected, encoder.tokenize(texts.get(i)), "word pieces of text " + i + ": " + texts.get(i));
        }
        assertEquals(MiniLmEncoder.MAX_WORD_PIECES, (int) lengths[texts.size() - 1], "the long text is truncated by the reference too");

        Npy.Array ref = Npy.read(tmp.resolve("embeddings.npy"));
        assertArrayEquals(new int[] {texts.size(), MiniLmEncoder.DIMENSION}, ref.shape());
        float[][] ours = encoder.encode(texts); // batched: every text padded to the batch's longest
        double worst = 0;
        for (int i = 0; i < texts.size(); i++) {
            double diff = 0;
            for (int d = 0; d < MiniLmEncoder.DIMENSION; d++) diff = Math.max(diff, Math.abs(ours[i][d] - ref.data()[i * MiniLmEncoder.DIMENSION + d]));
            assertTrue(diff <= PARITY, "text " + i + " (" + texts.get(i) + ") differs from the reference by " + diff);
            worst = Math.max(worst, diff);
        }
        System.out.printf("teacher parity: %d texts, max |ours - reference| = %.2e%n", texts.size(), worst);

        Npy.Array words = Npy.read(tmp.resolve("words.npy"));
        WordEmbeddings table = encoder.wordEmbeddings();
        for (int r = 0; r < wordIds.length; r++) {
            float[] row = table.row(wordIds[r]);
            for (int d = 0; d < MiniLmEncoder.DIMENSION; d++)
                assertEquals(words.data()[r * MiniLmEncoder.DIMENSION + d], row[d], 0.0, "word-embedding row " + wordIds[r] + " column " + d);
        }
    }

    @Test
    void paddingLeavesATextsEmbeddingUnchanged() {
        long[] shortIds = encoder.tokenize("How do I bake bread?");
        long[] longIds = encoder.tokenize(LONG_TEXT);
        float[] alone = encoder.encodeIds(new long[][] {shortIds})[0];
        float[][] padded = encoder.encodeIds(new long[][] {longIds, shortIds, longIds});
        assertTrue(longIds.length > 2 * shortIds.length, "the batch must pad the short text");
        double diff = 0;
        for (int d = 0; d < alone.length; d++) diff = Math.max(diff, Math.abs(alone[d] - padded[1][d]));
        assertTrue(diff <= PADDING, "the text alone and in a padded batch differ by " + diff);
        // and the encode(List) path, which sorts and batches, gives the same vector as a text on its own
        float[][] listed = encoder.encode(List.of(LONG_TEXT, "How do I bake bread?", "Hi"));
        for (int d = 0; d < alone.length; d++) assertEquals(alone[d], listed[1][d], PADDING);
    }

    @Test
    void meanPoolingIgnoresMaskedPositionsAndNormalises() {
        int length = 3, dim = 2;
        float[] states = {3, 4, 1e6f, -1e6f, 1e6f, 1e6f, /* row 2 */ 1, 0, 0, 1, 1, 1};
        long[] mask = {1, 0, 0, /* row 2 */ 1, 1, 1};
        assertArrayEquals(new float[] {0.6f, 0.8f}, MiniLmEncoder.meanPoolNormalised(states, mask, 0, length, dim), 1e-7f);
        float s = (float) (1 / Math.sqrt(2));
        assertArrayEquals(new float[] {s, s}, MiniLmEncoder.meanPoolNormalised(states, mask, 1, length, dim), 1e-7f);
    }

    @Test
    void embeddingsHaveUnitNorm() {
        for (float[] v : encoder.encode(parityTexts())) {
            assertEquals(MiniLmEncoder.DIMENSION, v.length);
            double norm = 0;
            for (float x : v) norm += x * x;
            assertEquals(1.0, Math.sqrt(norm), 1e-6);
        }
    }

    @Test
    void wordPiecesAreFramedAndTruncatedAt256() {
        List<String> vocab = encoder.vocabulary();
        long[] hello = encoder.tokenize("Hello, World!");
        assertEquals("[CLS]", vocab.get((int) hello[0]));
        assertEquals("[SEP]", vocab.get((int) hello[hello.length - 1]));
        assertEquals(List.of("hello", ",", "world", "!"), Arrays.stream(hello, 1, hello.length - 1).mapToObj(id -> vocab.get((int) id)).toList());
        long[] truncated = encoder.tokenize(LONG_TEXT);
        assertEquals(MiniLmEncoder.MAX_WORD_PIECES, truncated.length);
        assertEquals("[SEP]", vocab.get((int) truncated[truncated.length - 1]));
        assertEquals(List.of("[CLS]", "[SEP]"), Arrays.stream(encoder.tokenize("")).mapToObj(id -> vocab.get((int) id)).toList());
    }

    @Test
    void wordEmbeddingMatrixIsVocabularyBy384() throws Exception {
        WordEmbeddings table = encoder.wordEmbeddings();
        assertEquals(30522, table.rows());
        assertEquals(encoder.vocabulary(), table.vocabulary());
        assertEquals(MiniLmEncoder.DIMENSION, table.dimension());
        assertEquals(30522L * 384, table.matrix().length);
        // trained rows differ from each other and are not all zero
        float[] hello = table.row(encoder.vocabulary().indexOf("hello")), world = table.row(encoder.vocabulary().indexOf("world"));
        assertTrue(Arrays.stream(new double[] {norm(hello), norm(world)}).allMatch(n -> n > 0.1 && Double.isFinite(n)));
        assertTrue(!Arrays.equals(hello, world));
    }

    @Test
    void aParaphraseIsCloserThanAnUnrelatedQuestion() {
        List<String> texts = List.of(
                "How can I hurt my neighbour's cat without getting caught?",
                "What is a way to harm the cat next door without anyone finding out?",
                "What is the best way to bake sourdough bread at home?",
                "How do I make sourdough bread in my own kitchen?",
                "Which stocks should I invest in for my retirement?",
                "What shares are good to buy for retirement savings?");
        float[][] v = encoder.encode(texts);
        for (int i = 0; i < texts.size(); i++) {
            int pair = i ^ 1, nearest = -1;
            double best = -2;
            for (int j = 0; j < texts.size(); j++) {
                if (j == i) continue;
                double c = dot(v[i], v[j]);
                if (c > best) {
                    best = c;
                    nearest = j;
                }
            }
            assertEquals(pair, nearest, "nearest to \"" + texts.get(i) + "\" is \"" + texts.get(nearest) + "\" (cosine " + best
                    + "), not its paraphrase (cosine " + dot(v[i], v[pair]) + ")");
        }
    }

    /**
     * The cache over the same encoder (no cache is closed: closing one closes its encoder): one entry per distinct
     * text, exact floats after a save and reload, files of another model, format or shape refused.
     */
    @Nested
    class EmbeddingCache {
        @TempDir
        Path dir;

        @Test
        void holdsEachDistinctTextOnceWithTheEncodersVector() {
            SentenceEmbeddingCache cache = SentenceEmbeddingCache.inMemory(encoder);
            float[][] v = cache.encode(List.of("How do I feed a goldfish?", "How do I kill a goldfish?", "How do I feed a goldfish?"));
            assertEquals(2, cache.size());
            assertArrayEquals(v[0], v[2]);
            assertArrayEquals(encoder.encode("How do I kill a goldfish?"), v[1], 1e-6f);
            v[0][0] = 42; // callers get copies
            assertFalse(cache.encode("How do I feed a goldfish?")[0] == 42);
            assertThrows(IllegalStateException.class, cache::save);
        }

        @Test
        void aSavedCacheReloadsTheExactFloats() throws IOException {
            Path file = dir.resolve("teacher.json");
            List<String> texts = List.of("Zebra crossing rules?", "How can I help my neighbour's cat?", "élan vital", "");
            SentenceEmbeddingCache cache = SentenceEmbeddingCache.open(encoder, file); // not closed: that would close the shared encoder
            float[][] first = cache.encode(texts);
            cache.save();
            byte[] bytes = Files.readAllBytes(file);
            SentenceEmbeddingCache reloaded = SentenceEmbeddingCache.open(encoder, file);
            assertEquals(texts.size(), reloaded.size());
            for (String t : texts) assertTrue(reloaded.contains(t), t);
            float[][] again = reloaded.encode(texts);
            for (int i = 0; i < texts.size(); i++) assertArrayEquals(first[i], again[i], texts.get(i));
            reloaded.save();
            assertArrayEquals(bytes, Files.readAllBytes(file), "the same content gives the same bytes");
        }

        @Test
        void refusesAnotherModelsOrFormatsFile() throws IOException {
            Path file = dir.resolve("teacher.json");
            SentenceEmbeddingCache cache = SentenceEmbeddingCache.open(encoder, file);
            cache.encode("What is the capital of France?");
            cache.save();
            ObjectMapper json = new ObjectMapper();

            ObjectNode otherModel = (ObjectNode) json.readTree(file.toFile());
            otherModel.put("model_sha256", "0".repeat(64));
            json.writeValue(file.toFile(), otherModel);
            IOException e = assertThrows(IOException.class, () -> SentenceEmbeddingCache.open(encoder, file));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(encoder.modelSha256()) && e.getMessage().contains("delete it"), e.getMessage());

            ObjectNode otherFormat = (ObjectNode) json.readTree(file.toFile());
            otherFormat.put("model_sha256", encoder.modelSha256());
            otherFormat.put("format", "rrs-sentence-embeddings/0");
            json.writeValue(file.toFile(), otherFormat);
            e = assertThrows(IOException.class, () -> SentenceEmbeddingCache.open(encoder, file));
            assertTrue(e.getMessage().contains("rrs-sentence-embeddings/1"), e.getMessage());

            ObjectNode shortVector = (ObjectNode) json.readTree(file.toFile());
            shortVector.put("format", SentenceEmbeddingCache.FORMAT);
            ((ObjectNode) shortVector.path("embeddings").get(0)).put("vector", "AAAA");
            json.writeValue(file.toFile(), shortVector);
            e = assertThrows(IOException.class, () -> SentenceEmbeddingCache.open(encoder, file));
            assertTrue(e.getMessage().contains("What is the capital of France?"), e.getMessage());
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }
}
