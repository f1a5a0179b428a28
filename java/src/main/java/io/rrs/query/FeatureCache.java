package io.rrs.query;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Scope: features of dataset utterances kept in memory by utterance id up to a byte budget, for the
 * training loops that read every utterance every epoch (the front-end would otherwise cost about as
 * much as a training step). Use from one thread.
 */
public final class FeatureCache {
    private final QueryEncoder encoder;
    private final long budgetBytes;
    private final Map<String, AudioFeatures> cache = new HashMap<>();
    private long cachedBytes;

    /** {@code budgetBytes} 0 caches nothing; {@code Long.MAX_VALUE} keeps every clip. */
    public FeatureCache(QueryEncoder encoder, long budgetBytes) {
        this.encoder = encoder;
        this.budgetBytes = budgetBytes;
    }

    public QueryEncoder encoder() {
        return encoder;
    }

    /** The features of utterance {@code id}, computed on first use; errors name the utterance and its file. */
    public AudioFeatures features(String id, Path wav) {
        AudioFeatures cached = cache.get(id);
        if (cached != null) return cached;
        AudioFeatures f;
        try {
            f = encoder.features(wav);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot use the audio of " + id + ": " + e.getMessage()
                    + "; rebuild the spoken dataset with 'rrs data build'", e);
        }
        if (cachedBytes + f.bytes() <= budgetBytes) {
            cache.put(id, f);
            cachedBytes += f.bytes();
        }
        return f;
    }

    /** Clips held. */
    public int size() {
        return cache.size();
    }
}
