package io.rrs.teacher;

import java.util.List;

/**
 * Scope: texts to fixed-size sentence embeddings. Implementations are thread-safe; {@link #encode} returns one
 * vector of {@link #dimension()} floats per text, in the order given.
 */
public interface SentenceEncoder extends AutoCloseable {
    /** What produces the vectors (model, pooling, normalisation, truncation), for records and cache files. */
    String name();

    int dimension();

    /** Lower-case hex SHA-256 of the model's weights file: vectors of another hash are not this model's. */
    String modelSha256();

    /** One embedding per text, in order. */
    float[][] encode(List<String> texts);

    default float[] encode(String text) {
        return encode(List.of(text))[0];
    }

    @Override
    void close();
}
