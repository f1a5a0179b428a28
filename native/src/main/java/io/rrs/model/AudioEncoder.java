package io.rrs.model;

import io.rrs.query.AudioPositions;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The Whisper-style audio tower of Qwen2-Audio plus the multi-modal projector: log-mel
 * [B, n_mels, T] to text-width audio embeddings, one per pooled frame. Padded frames are kept
 * out of attention as keys (as Hugging Face does); each sample contributes its first
 * {@link AudioPositions#pooled(long)} embeddings.
 */
public final class AudioEncoder {
    private static final double LAYER_NORM_EPS = 1e-5;

    private final Qwen2AudioConfig.AudioConfig config;
    private final Tensor conv1W, conv1B, conv2W, conv2B, positions;
    private final List<Block> blocks = new ArrayList<>();
    private final Tensor finalNormW, finalNormB;
    private final Linear projector;

    private record Block(Tensor attnNormW, Tensor attnNormB, Linear q, Linear k, Linear v, Linear out,
                         Tensor ffnNormW, Tensor ffnNormB, Linear fc1, Linear fc2) {}

    public AudioEncoder(Qwen2AudioConfig config, Weights w) {
        this.config = config.audio();
        String p = Qwen2AudioLayout.AUDIO;
        conv1W = w.get(p + "conv1.weight");
        conv1B = w.get(p + "conv1.bias");
        conv2W = w.get(p + "conv2.weight");
        conv2B = w.get(p + "conv2.bias");
        positions = w.get(p + "embed_positions.weight");
        for (int i = 0; i < this.config.encoderLayers(); i++) {
            String l = p + "layers." + i + ".";
            blocks.add(new Block(w.get(l + "self_attn_layer_norm.weight"), w.get(l + "self_attn_layer_norm.bias"),
                    Linear.from(w, l + "self_attn.q_proj"), Linear.from(w, l + "self_attn.k_proj"),
                    Linear.from(w, l + "self_attn.v_proj"), Linear.from(w, l + "self_attn.out_proj"),
                    w.get(l + "final_layer_norm.weight"), w.get(l + "final_layer_norm.bias"),
                    Linear.from(w, l + "fc1"), Linear.from(w, l + "fc2")));
        }
        finalNormW = w.get(p + "layer_norm.weight");
        finalNormB = w.get(p + "layer_norm.bias");
        projector = Linear.from(w, "multi_modal_projector.linear");
    }

    /**
     * Encodes a batch (features in the compute type, on the weights' device) and returns the valid embeddings of all samples concatenated in batch
     * order, [sum of AudioPositions.pooled(frames[b]), text hidden].
     */
    public Tensor encode(Tensor features, long[] frames) {
        long batch = features.size(0), time = features.size(2);
        Tensor f = features;
        Tensor x = torch.gelu(torch.conv1d(f, Tensors.typed(conv1W, f), Tensors.optional(Tensors.typed(conv1B, f)), new long[] {1}, new long[] {1}, new long[] {1}, 1));
        x = torch.gelu(torch.conv1d(x, Tensors.typed(conv2W, f), Tensors.optional(Tensors.typed(conv2B, f)), new long[] {2}, new long[] {1}, new long[] {1}, 1));
        long t1 = x.size(2);
        x = x.permute(0, 2, 1).add(Tensors.typed(positions.narrow(0, 0, t1), f));

        long[] valid = new long[(int) batch];
        for (int b = 0; b < batch; b++) valid[b] = AudioPositions.convFrames(frames[b]);
        // key mask [B, 1, 1, T1]: true where the key frame holds audio
        Tensor keyIdx = torch.arange(Tensors.scalar(0), Tensors.scalar(t1), new TensorOptions(ScalarType.Long)).view(1, t1);
        Tensor mask = Tensors.onDeviceOf(keyIdx.lt(Tensors.longs(valid, batch, 1)).view(batch, 1, 1, t1), f);

        int heads = config.encoderAttentionHeads(), hd = config.headDim();
        long d = config.dModel();
        for (Block blk : blocks) {
            Tensor h = torch.layer_norm(x, new long[] {d}, Tensors.optional(Tensors.typed(blk.attnNormW, f)), Tensors.optional(Tensors.typed(blk.attnNormB, f)), LAYER_NORM_EPS, false);
            Tensor q = blk.q.forward(h).view(batch, t1, heads, hd).transpose(1, 2);
            Tensor k = blk.k.forward(h).view(batch, t1, heads, hd).transpose(1, 2);
            Tensor v = blk.v.forward(h).view(batch, t1, heads, hd).transpose(1, 2);
            Tensor a = torch.scaled_dot_product_attention(q, k, v, Tensors.optional(mask), 0.0, false, new DoubleOptional(), false);
            x = x.add(blk.out.forward(a.transpose(1, 2).reshape(batch, t1, d)));
            h = torch.layer_norm(x, new long[] {d}, Tensors.optional(Tensors.typed(blk.ffnNormW, f)), Tensors.optional(Tensors.typed(blk.ffnNormB, f)), LAYER_NORM_EPS, false);
            x = x.add(blk.fc2.forward(torch.gelu(blk.fc1.forward(h))));
        }
        // average pooling (2, 2) over time, then the final LayerNorm, then the projector
        x = torch.avg_pool1d(x.permute(0, 2, 1), new long[] {2}, new long[] {2}, new long[] {0}, false, true).permute(0, 2, 1);
        x = torch.layer_norm(x, new long[] {d}, Tensors.optional(Tensors.typed(finalNormW, f)), Tensors.optional(Tensors.typed(finalNormB, f)), LAYER_NORM_EPS, false);
        x = projector.forward(x);

        TensorVector parts = new TensorVector();
        for (int b = 0; b < batch; b++) {
            long n = AudioPositions.pooled(frames[b]);
            if (n > 0) parts.push_back(x.select(0, b).narrow(0, 0, n));
        }
        if (parts.size() == 0) return x.new_zeros(new long[] {0, x.size(2)});
        return torch.cat(parts, 0);
    }

    public Qwen2AudioConfig.AudioConfig config() {
        return config;
    }
}
