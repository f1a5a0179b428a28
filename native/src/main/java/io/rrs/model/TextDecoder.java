package io.rrs.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** The Qwen2 decoder stack: token embeddings in, final-norm hidden states out. */
public final class TextDecoder {
    private final Qwen2AudioConfig.TextConfig config;
    private final Tensor embedTokens;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final Tensor finalNorm;
    private final RotaryEmbedding rotary;

    TextDecoder(Qwen2AudioConfig.TextConfig config, Weights w) {
        this.config = config;
        embedTokens = w.get(Qwen2AudioLayout.TEXT + "embed_tokens.weight");
        for (int i = 0; i < config.numHiddenLayers(); i++) layers.add(new DecoderLayer(config, w, i));
        finalNorm = w.get(Qwen2AudioLayout.TEXT + "norm.weight");
        rotary = new RotaryEmbedding(config.headDim(), config.ropeTheta());
    }

    /** [B, S] token ids to [B, S, hidden] embeddings, in the table's stored type. */
    Tensor embed(Tensor ids) {
        return org.bytedeco.pytorch.global.torch.embedding(embedTokens, ids);
    }

    /**
     * @param embeds [B, S, hidden]
     * @param positions [B, S] position ids
     * @param mask boolean [B, 1, S, keys]
     * @param cache null, or the cache to extend by S positions
     * @return hidden states after the final RMSNorm, [B, S, hidden]
     */
    Tensor forward(Tensor embeds, Tensor positions, Tensor mask, KvCache cache) {
        Tensor[] cs = rotary.cosSin(positions, embeds);
        Tensor x = embeds;
        for (DecoderLayer layer : layers) x = layer.forward(x, cs[0], cs[1], mask, cache);
        if (cache != null) cache.advance(embeds.size(1));
        return DecoderLayer.rmsNorm(x, finalNorm, config.rmsNormEps());
    }

    /** Rotary cosines and sines for {@code positions}, in the type of {@code embeds}. */
    Tensor[] rotary(Tensor positions, Tensor embeds) {
        return rotary.cosSin(positions, embeds);
    }

    /** The final RMSNorm. */
    Tensor finalNorm(Tensor x) {
        return DecoderLayer.rmsNorm(x, finalNorm, config.rmsNormEps());
    }

    void adapt(ProjectionAdapter adapter) {
        for (DecoderLayer l : layers) l.adapt(adapter);
    }

    public List<DecoderLayer> layers() {
        return Collections.unmodifiableList(layers);
    }
}
