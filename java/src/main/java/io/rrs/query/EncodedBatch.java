package io.rrs.query;

import io.rrs.text.BatchEncoding;

/**
 * Queries left-padded into one batch: the token ids and attention mask ({@link BatchEncoding}), and
 * the rows' audio when any row carries some (null otherwise).
 */
public record EncodedBatch(BatchEncoding text, AudioBatch audio) {
    public boolean hasAudio() {
        return audio != null;
    }

    public int rows() {
        return text.batchSize();
    }
}
