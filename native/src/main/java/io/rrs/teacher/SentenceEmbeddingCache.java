package io.rrs.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scope: an encoder's embeddings kept per text, so each distinct text is encoded once, and the owner of the
 * cache file ({@value #FORMAT}) that carries them between runs. The file is JSON: the format tag, the encoder's
 * name, dimension and model SHA-256, and one entry per text (sorted by text) whose vector is the base64 of its
 * little-endian float32 values, so a reload gives the exact floats. A file of another format, model hash or
 * dimension is refused, never mixed in.
 *
 * <p>Thread-safe. Closing the cache closes the encoder it wraps.
 */
public final class SentenceEmbeddingCache implements SentenceEncoder {
    public static final String FORMAT = "rrs-sentence-embeddings/1";
    private static final String REMEDY = "delete it to encode the texts again with this model, or name another cache file";

    private final SentenceEncoder encoder;
    private final Path file;
    private final Map<String, float[]> vectors = new HashMap<>();

    private SentenceEmbeddingCache(SentenceEncoder encoder, Path file) {
        this.encoder = encoder;
        this.file = file;
    }

    /** A cache that lives as long as this object; {@link #save} is refused. */
    public static SentenceEmbeddingCache inMemory(SentenceEncoder encoder) {
        return new SentenceEmbeddingCache(encoder, null);
    }

    /** A cache backed by {@code file}: its embeddings are loaded when it exists, and {@link #save} writes them all back. */
    public static SentenceEmbeddingCache open(SentenceEncoder encoder, Path file) throws IOException {
        SentenceEmbeddingCache cache = new SentenceEmbeddingCache(encoder, file);
        if (Files.exists(file)) cache.load();
        return cache;
    }

    private void load() throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("sentence-embedding cache " + file + " is not valid JSON (" + e.getMessage() + "); " + REMEDY, e);
        }
        FormatTag.check(file, root, FORMAT, REMEDY, IOException::new);
        String sha = root.path("model_sha256").asText();
        if (!sha.equals(encoder.modelSha256())) {
            throw new IOException("sentence-embedding cache " + file + " holds embeddings of the model with SHA-256 " + sha + ", not of "
                    + encoder.name() + " (SHA-256 " + encoder.modelSha256() + "); " + REMEDY);
        }
        int dim = root.path("dimension").asInt(-1);
        if (dim != encoder.dimension()) {
            throw new IOException("sentence-embedding cache " + file + " has dimension " + root.path("dimension") + ", the encoder "
                    + encoder.dimension() + "; " + REMEDY);
        }
        for (JsonNode e : root.path("embeddings")) {
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(e.path("vector").asText());
            } catch (IllegalArgumentException bad) {
                raw = new byte[0];
            }
            if (!e.path("text").isTextual() || raw.length != dim * Float.BYTES) {
                throw new IOException("sentence-embedding cache " + file + ": entry " + e.path("text") + " is not a text with "
                        + dim + " base64 float32 values; " + REMEDY);
            }
            float[] v = new float[dim];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            vectors.put(e.path("text").asText(), v);
        }
    }

    /** Writes every embedding held to the cache file (atomically); sorted by text, so equal content gives equal bytes. */
    public synchronized void save() throws IOException {
        if (file == null) throw new IllegalStateException("this sentence-embedding cache has no file; open it with SentenceEmbeddingCache.open");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put(FormatTag.FIELD, FORMAT);
        root.put("encoder", encoder.name());
        root.put("model_sha256", encoder.modelSha256());
        root.put("dimension", encoder.dimension());
        ArrayNode entries = root.putArray("embeddings");
        ByteBuffer buf = ByteBuffer.allocate(encoder.dimension() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, float[]> e : new TreeMap<>(vectors).entrySet()) {
            buf.clear();
            buf.asFloatBuffer().put(e.getValue());
            entries.addObject().put("text", e.getKey()).put("vector", Base64.getEncoder().encodeToString(buf.array()));
        }
        AtomicFiles.write(file, out -> json.writerWithDefaultPrettyPrinter().writeValue(out, root));
    }

    /** Texts held. */
    public synchronized int size() {
        return vectors.size();
    }

    public synchronized boolean contains(String text) {
        return vectors.containsKey(text);
    }

    @Override
    public String name() {
        return encoder.name();
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public String modelSha256() {
        return encoder.modelSha256();
    }

    /** Encodes only the texts not held yet (each distinct text once); returns copies. */
    @Override
    public synchronized float[][] encode(List<String> texts) {
        Set<String> missing = new LinkedHashSet<>();
        for (String t : texts) if (!vectors.containsKey(t)) missing.add(t);
        if (!missing.isEmpty()) {
            List<String> todo = new ArrayList<>(missing);
            float[][] fresh = encoder.encode(todo);
            for (int i = 0; i < todo.size(); i++) vectors.put(todo.get(i), fresh[i]);
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = vectors.get(texts.get(i)).clone();
        return out;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
