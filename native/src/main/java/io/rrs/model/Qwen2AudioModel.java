package io.rrs.model;

import io.rrs.query.AudioPositions;
import io.rrs.model.safetensors.SafetensorsCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Qwen2-Audio ({@code Qwen2AudioForConditionalGeneration} layout) in libtorch: audio tower,
 * projector, Qwen2 decoder and LM head. Audio embeddings replace the {@code <|AUDIO|>} tokens;
 * left-padded batches get Hugging Face's position ids (cumsum(mask) - 1). Forward passes keep
 * autograd on (LoRA training runs through them); wrap inference in {@code NoGradGuard}.
 * The model's own tensors are detached from any enclosing {@code PointerScope}, so it may be
 * loaded inside one; outputs belong to the caller's scope.
 */
public final class Qwen2AudioModel implements AutoCloseable {
    /** Which logits a forward pass computes: none (representations only), the last position's, or every position's. */
    public enum Logits { NONE, LAST, ALL }

    private final Qwen2AudioConfig config;
    private final Compute compute;
    private final Weights weights;
    private final AudioEncoder audioEncoder;
    private final TextDecoder textDecoder;
    private final Linear lmHead;
    private AudioEmbeddingCache audioCache;

    /** Float32 on the CPU. */
    public Qwen2AudioModel(Qwen2AudioConfig config, Weights weights) {
        this(config, weights, Compute.CPU);
    }

    /** {@code weights} must already be on {@code compute}'s device ({@link Weights#load(SafetensorsCheckpoint, Qwen2AudioConfig, String, Compute)}). */
    public Qwen2AudioModel(Qwen2AudioConfig config, Weights weights, Compute compute) {
        this.config = config;
        this.compute = compute;
        this.weights = weights;
        this.audioEncoder = new AudioEncoder(config, weights);
        this.textDecoder = new TextDecoder(config.text(), weights);
        this.lmHead = new Linear(Qwen2AudioLayout.LM_HEAD, weights.get(Qwen2AudioLayout.LM_HEAD), null);
    }

    /** {@code dir/config.json} plus {@code model.safetensors} or a sharded index, float32 on the CPU. */
    public static Qwen2AudioModel load(Path dir) throws IOException {
        return load(dir, Compute.CPU);
    }

    /** {@code dir/config.json} plus {@code model.safetensors} or a sharded index, run on {@code compute}. */
    public static Qwen2AudioModel load(Path dir, Compute compute) throws IOException {
        Qwen2AudioConfig config = Qwen2AudioConfig.read(dir.resolve("config.json"));
        SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir);
        return new Qwen2AudioModel(config, Weights.load(checkpoint, config, dir.toString(), compute), compute);
    }

    public Qwen2AudioConfig config() {
        return config;
    }

    /**
     * Frees the weights' native memory now ({@link Weights#release()}): for a caller that loaded this model alone and is
     * done with it (eval, one model after another). Not for a model sharing weights with another (a LoRA merge's input).
     */
    @Override
    public void close() {
        weights.release();
    }

    public Compute compute() {
        return compute;
    }

    public Weights weights() {
        return weights;
    }

    public TextDecoder textDecoder() {
        return textDecoder;
    }

    /**
     * From now on keeps each clip's audio embeddings (tower + projector output) up to {@code budgetBytes} and reuses them
     * whenever the same features come again: for training that adapts only the decoder (RRS, SFT), whose tower is frozen.
     */
    public void cacheAudioEmbeddings(long budgetBytes) {
        audioCache = new AudioEmbeddingCache(budgetBytes);
    }

    /** How often the audio embedding cache answered and how often the tower ran, {hits, misses}; null without a cache. */
    public long[] audioCacheCounts() {
        return audioCache == null ? null : new long[] {audioCache.hits(), audioCache.misses()};
    }

    /** Routes every decoder q/k/v/o/gate/up/down projection through {@code adapter} (e.g. LoRA). */
    public void adaptDecoderProjections(ProjectionAdapter adapter) {
        textDecoder.adapt(adapter);
    }

    /** Full forward pass without cache: logits at every position. */
    public ModelOutput forward(ModelInput in) {
        return run(in.inputIds(), in.attentionMask(), in, in.length(), null, Logits.ALL);
    }

    /**
     * Forward pass that also fills {@code cache} (which must be empty): the prefill of generation. Its logits
     * are the last position's only, [B, 1, vocab]: with left padding, every sample's next-token logits.
     */
    public ModelOutput forward(ModelInput in, KvCache cache) {
        if (cache.length() != 0) throw new IllegalArgumentException("prefill needs an empty cache, this one holds " + cache.length() + " positions");
        return run(in.inputIds(), in.attentionMask(), in, in.length(), cache, Logits.LAST);
    }

    /** A cache for {@code batch} sequences of up to {@code capacity} positions, on this model's device and in its compute type. */
    public KvCache newCache(long batch, long capacity) {
        return new KvCache(config.text(), batch, capacity, compute);
    }

    /**
     * Hidden state after the final norm at each sample's last real token, [B, hidden]: the
     * representation h(x) of the RRS method, float32 on the model's device. With left padding that is
     * the last column. No logits are computed.
     */
    public Tensor lastTokenHidden(ModelInput in) {
        Tensor hidden = run(in.inputIds(), in.attentionMask(), in, in.length(), null, Logits.NONE).hidden();
        return hidden.gather(1, compute.place(lastTokenIndex(in, hidden.size(2))), false).squeeze(1);
    }

    /**
     * {@link #lastTokenHidden} with activation checkpointing per decoder layer, for training that back-propagates
     * from h only (RRS): the layers run without autograd keeping only each layer's input; {@link Checkpointed#hidden()}
     * carries the graph of the final norm alone, and after the loss's backward pass {@link Checkpointed#backward()}
     * recomputes one layer at a time, last first, with the random state each had (the same LoRA dropout), and passes the
     * gradient down. Activation memory is then one [B, S, hidden] tensor per layer plus one layer's intermediates.
     */
    public Checkpointed lastTokenHiddenCheckpointed(ModelInput in) {
        Tensor ids = compute.place(in.inputIds()), mask = compute.place(in.attentionMask());
        long seq = in.length();
        org.bytedeco.pytorch.Generator random = torch.globalContext().defaultGenerator(compute.torchDevice());
        List<DecoderLayer> layers = textDecoder.layers();
        Tensor[] inputs = new Tensor[layers.size()], states = new Tensor[layers.size()];
        Tensor x, attention;
        Tensor[] cs;
        try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            Tensor embeds = spliceAudio(compute.activations(textDecoder.embed(ids)), ids, in, seq);
            Tensor positions = positionIds(mask, 0, seq);
            attention = attentionMask(mask, 0, seq);
            cs = textDecoder.rotary(positions, embeds);
            x = embeds;
            // each layer in its own scope, so that only its output outlives it (a Java-side tensor lives until its scope closes)
            PointerScope outer = PointerScope.getInnerScope();
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = x;
                states[i] = random.get_state();
                try (PointerScope layerScope = new PointerScope()) {
                    Tensor y = layers.get(i).forward(x, cs[0], cs[1], attention, null);
                    x = outer == null ? Tensors.keep(y) : Tensors.handOver(y, layerScope, outer);
                }
            }
        }
        Tensor top = x.detach().set_requires_grad(true);
        Tensor hidden = textDecoder.finalNorm(top).to(ScalarType.Float);
        Tensor h = hidden.gather(1, compute.place(lastTokenIndex(in, hidden.size(2))), false).squeeze(1);
        Tensor after = random.get_state();
        return new Checkpointed(h, () -> {
            if (!top.grad().defined()) throw new IllegalStateException("backward() needs the loss's gradient on hidden() first (call loss.backward())");
            Tensor grad = top.grad();
            PointerScope outer = PointerScope.getInnerScope();
            for (int i = inputs.length - 1; i >= 0; i--) {
                random.set_state(states[i]);
                try (PointerScope layerScope = new PointerScope()) {
                    Tensor in_ = i == 0 ? inputs[i] : inputs[i].detach().set_requires_grad(true);
                    Tensor y = layers.get(i).forward(in_, cs[0], cs[1], attention, null);
                    y.backward(grad, new org.bytedeco.pytorch.BoolOptional(false), false, new org.bytedeco.pytorch.TensorArrayRefOptional());
                    if (i > 0) { // grad() is a view of in_'s field, freed with in_: hand over an owning handle
                        Tensor owned = in_.grad().detach();
                        grad = outer == null ? Tensors.keep(owned) : Tensors.handOver(owned, layerScope, outer);
                    }
                }
            }
            random.set_state(after);
        });
    }

    /** The representation of {@link #lastTokenHiddenCheckpointed} and the recomputing backward pass through the layers. */
    public record Checkpointed(Tensor hidden, Runnable layersBackward) {
        /** After the loss's backward pass has reached {@link #hidden()}: the gradients of every decoder layer's parameters. */
        public void backward() {
            layersBackward.run();
        }
    }

    /** [B, 1, width] indices of each sample's last real token (the last column under left padding). */
    private static Tensor lastTokenIndex(ModelInput in, long width) {
        long[] mask = Tensors.toLongs(in.attentionMask());
        long batch = in.batchSize(), seq = in.length();
        long[] last = new long[(int) batch];
        for (int b = 0; b < batch; b++) {
            last[b] = -1;
            for (int s = 0; s < seq; s++) if (mask[(int) (b * seq + s)] != 0) last[b] = s;
            if (last[b] < 0) throw new IllegalArgumentException("sample " + b + " has no tokens (its attention mask is all zero)");
        }
        return Tensors.longs(last, batch, 1, 1).expand(batch, 1, width);
    }

    /**
     * The audio tower and projector alone: the embeddings that replace the {@code <|AUDIO|>} tokens, every clip's
     * valid ones concatenated in batch order, [sum of pooled lengths, hidden], in the compute type on the model's
     * device; autograd on (pretraining's transcribe task).
     */
    public Tensor encodeAudio(Tensor features, long[] validFrames) {
        checkAudioShape(features);
        return audioEncoder.encode(compute.activations(features), validFrames);
    }

    /** Greedy generation; {@code useCache=false} recomputes the whole sequence each step (for checking the cache). */
    public List<Generated> generate(ModelInput in, GenerationOptions options, boolean useCache) {
        return new Generator(this).generate(in, options, useCache);
    }

    /**
     * @param newIds the tokens of this step, [B, S]
     * @param fullMask mask over cached plus new positions, [B, past + S]
     * @param audio the input carrying audio features, or null
     * @param spliceColumns only the first columns of {@code newIds} may hold audio placeholders
     * @param logits which positions get logits; hidden states and logits come back as float32
     */
    ModelOutput run(Tensor newIds, Tensor fullMask, ModelInput audio, long spliceColumns, KvCache cache, Logits logits) {
        newIds = compute.place(newIds);
        fullMask = compute.place(fullMask);
        long past = cache == null ? 0 : cache.length();
        long batch = newIds.size(0), seq = newIds.size(1), total = fullMask.size(1);
        if (total != past + seq)
            throw new IllegalArgumentException("attention mask covers " + total + " positions, expected cached " + past + " + new " + seq);
        Tensor embeds = compute.activations(textDecoder.embed(newIds));
        if (past == 0) embeds = spliceAudio(embeds, newIds, audio, spliceColumns);

        Tensor positions = positionIds(fullMask, past, seq);
        Tensor hidden = textDecoder.forward(embeds, positions, attentionMask(fullMask, past, seq), cache);
        Tensor out = switch (logits) {
            case NONE -> null;
            case LAST -> lmHead.forward(hidden.narrow(1, seq - 1, 1)).to(ScalarType.Float);
            case ALL -> lmHead.forward(hidden).to(ScalarType.Float);
        };
        return new ModelOutput(out, hidden.to(ScalarType.Float), cache);
    }

    /** Hugging Face's position ids for left padding, [B, seq] from column {@code past}: real tokens before, minus one. */
    static Tensor positionIds(Tensor fullMask, long past, long seq) {
        return fullMask.cumsum(1).sub(Tensors.scalar(1)).masked_fill(fullMask.eq(Tensors.scalar(0)), Tensors.scalar(1)).narrow(1, past, seq);
    }

    /**
     * Boolean [B, 1, S, past + S]: causal, keys must be real tokens. A padding query may see
     * itself, so that its softmax row is never empty (no NaN that could leak through 0 * NaN).
     */
    static Tensor attentionMask(Tensor fullMask, long past, long seq) {
        long batch = fullMask.size(0), total = fullMask.size(1);
        TensorOptions longs = new TensorOptions(ScalarType.Long).device(new org.bytedeco.pytorch.DeviceOptional(fullMask.device()));
        Tensor keys = torch.arange(Tensors.scalar(0), Tensors.scalar(total), longs).view(1, 1, 1, total);
        Tensor queries = torch.arange(Tensors.scalar(past), Tensors.scalar(past + seq), longs).view(1, 1, seq, 1);
        Tensor realKey = fullMask.ne(Tensors.scalar(0)).view(batch, 1, 1, total);
        return keys.le(queries).logical_and(realKey.logical_or(keys.eq(queries)));
    }

    private Tensor spliceAudio(Tensor embeds, Tensor ids, ModelInput in, long spliceColumns) {
        long batch = ids.size(0), seq = ids.size(1);
        long[] flat = Tensors.toLongs(ids);
        long audioToken = config.audioTokenIndex();
        long[] placeholders = new long[(int) batch];
        long[] positionsMask = new long[flat.length];
        for (int b = 0; b < batch; b++)
            for (int s = 0; s < spliceColumns; s++)
                if (flat[(int) (b * seq + s)] == audioToken) {
                    placeholders[b]++;
                    positionsMask[(int) (b * seq + s)] = 1;
                }
        boolean anyPlaceholder = false;
        for (long p : placeholders) anyPlaceholder |= p > 0;
        if (in == null || !in.hasAudio()) {
            if (anyPlaceholder)
                throw new IllegalArgumentException("the input holds <|AUDIO|> tokens (id " + audioToken + ") but no audio features; pass features or remove the placeholders");
            return embeds;
        }
        checkAudioShape(in.audioFeatures());
        long[] frames = in.audioFrames();
        int withAudio = 0;
        for (int b = 0; b < batch; b++) {
            long expected = AudioPositions.pooled(frames[b]);
            if (placeholders[b] != expected)
                throw new IllegalArgumentException("sample " + b + " has " + placeholders[b] + " <|AUDIO|> tokens (id " + audioToken + ") but its "
                        + frames[b] + " valid frames give " + expected + " audio embeddings; expand <|AUDIO|> to one token per pooled frame");
            if (frames[b] > 0) withAudio++;
        }
        if (withAudio == 0) return embeds;
        // encode only the samples that carry audio
        long[] rows = new long[withAudio], subsetFrames = new long[withAudio];
        for (int b = 0, i = 0; b < batch; b++)
            if (frames[b] > 0) {
                rows[i] = b;
                subsetFrames[i++] = frames[b];
            }
        Tensor features = withAudio == batch ? in.audioFeatures() : in.audioFeatures().index_select(0, Tensors.longs(rows, withAudio));
        Tensor audioEmbeds = audioCache == null ? audioEncoder.encode(compute.activations(features), subsetFrames)
                : audioCache.embeddings(compute.activations(features), subsetFrames, audioEncoder::encode);
        Tensor where = compute.place(Tensors.longs(positionsMask, batch, seq)).ne(Tensors.scalar(0)).unsqueeze(-1).expand(batch, seq, embeds.size(2));
        return embeds.masked_scatter(where, audioEmbeds);
    }

    private void checkAudioShape(Tensor features) {
        Qwen2AudioConfig.AudioConfig a = config.audio();
        if (features.size(1) != a.numMelBins())
            throw new IllegalArgumentException("audio features have " + features.size(1) + " mel bins, the model expects audio_config.num_mel_bins = " + a.numMelBins());
        if (features.size(2) > a.maxFrames())
            throw new IllegalArgumentException("audio features have " + features.size(2) + " frames, more than 2 * audio_config.max_source_positions = "
                    + a.maxFrames() + "; split or trim the clip");
    }
}
