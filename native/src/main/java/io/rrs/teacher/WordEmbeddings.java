package io.rrs.teacher;

import java.util.List;

/**
 * The teacher's word-piece vocabulary and its word-embedding matrix (the {@code embed_tokens} a student can start
 * from): row {@code id} of {@code matrix} (row-major, {@code vocabulary.size()} x {@code dimension}) is the input
 * embedding of word piece {@code vocabulary.get(id)}, before position and token-type embeddings and LayerNorm.
 */
public record WordEmbeddings(List<String> vocabulary, float[] matrix, int dimension) {
    public WordEmbeddings {
        vocabulary = List.copyOf(vocabulary);
        if ((long) vocabulary.size() * dimension != matrix.length) {
            throw new IllegalArgumentException("a " + vocabulary.size() + " x " + dimension + " word-embedding matrix needs "
                    + (long) vocabulary.size() * dimension + " floats, got " + matrix.length);
        }
    }

    public int rows() {
        return vocabulary.size();
    }

    /** A copy of the embedding of word piece {@code id}. */
    public float[] row(int id) {
        if (id < 0 || id >= rows()) throw new IllegalArgumentException("word-piece id " + id + " is outside [0, " + rows() + ")");
        float[] out = new float[dimension];
        System.arraycopy(matrix, id * dimension, out, 0, dimension);
        return out;
    }
}
