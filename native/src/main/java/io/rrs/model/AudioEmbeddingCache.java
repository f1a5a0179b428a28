package io.rrs.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BiFunction;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The frozen audio tower's embeddings per clip, kept across batches and epochs up to a byte budget, so that
 * LoRA training (which adapts only the decoder) runs the tower once per clip instead of once per epoch. A clip
 * is known by the SHA-256 of its features row (padding included) and its valid frame count. Each clip missing
 * from the cache is encoded alone, so that its embeddings do not depend on which clips shared its batch (a
 * resumed run repeats an uninterrupted one exactly). Only for a tower that is not trained.
 */
final class AudioEmbeddingCache {
    private final long budgetBytes;
    private final Map<String, Tensor> byClip = new HashMap<>();
    private long usedBytes;
    private long hits, misses;

    AudioEmbeddingCache(long budgetBytes) {
        if (budgetBytes <= 0) throw new IllegalArgumentException("audio embedding cache budget must be positive, got " + budgetBytes);
        this.budgetBytes = budgetBytes;
    }

    /**
     * The embeddings of every row of {@code features} [n, mels, T] with {@code frames[i]} valid frames, concatenated in
     * row order, as {@code encoder} (features, frames) would give them.
     */
    Tensor embeddings(Tensor features, long[] frames, BiFunction<Tensor, long[], Tensor> encoder) {
        TensorVector parts = new TensorVector();
        for (int i = 0; i < frames.length; i++) {
            Tensor row = features.narrow(0, i, 1);
            String key = key(row, frames[i]);
            Tensor cached = byClip.get(key);
            if (cached != null) {
                hits++;
            } else {
                misses++;
                try (NoGradGuard noGrad = new NoGradGuard()) {
                    cached = encoder.apply(row, new long[] {frames[i]});
                }
                long bytes = cached.nbytes();
                if (usedBytes + bytes <= budgetBytes) {
                    byClip.put(key, Tensors.keep(cached));
                    usedBytes += bytes;
                }
            }
            if (cached.size(0) > 0) parts.push_back(cached);
        }
        return parts.size() == 0 ? features.new_zeros(new long[] {0, 0}) : torch.cat(parts, 0);
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    private static String key(Tensor row, long frames) {
        Tensor bytes = row.detach().cpu().contiguous();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
            Tensors.writeBytes(bytes, Channels.newChannel(new DigestOutputStream(OutputStream.nullOutputStream(), sha)));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("hashing a features row: " + e.getMessage(), e);
        }
        return frames + ":" + bytes.scalar_type().intern() + ":" + HexFormat.of().formatHex(sha.digest());
    }
}
