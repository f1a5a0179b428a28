package io.rrs.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache over the real teacher (shared by the tests, so no cache is closed: closing one closes its encoder):
 * one entry per distinct text, exact floats after a save and reload, foreign files refused.
 */
class SentenceEmbeddingCacheTest {
    static MiniLmEncoder encoder;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws Exception {
        encoder = MiniLmEncoder.open();
    }

    @AfterAll
    static void close() {
        if (encoder != null) encoder.close();
    }

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
        Path file = tmp.resolve("teacher.json");
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
        Path file = tmp.resolve("teacher.json");
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
