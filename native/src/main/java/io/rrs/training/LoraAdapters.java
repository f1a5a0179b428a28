package io.rrs.training;

import io.rrs.kernels.LoraFactors;
import io.rrs.model.Linear;
import io.rrs.model.LinearOp;
import io.rrs.model.ProjectionAdapter;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Scope: LoRA adapters on every decoder q/k/v/o/gate/up/down projection of a {@link Qwen2AudioModel},
 * attached through the model's {@link ProjectionAdapter} seam: {@code y = base(x) + s * drop(x) A^T B^T}
 * with A (rank x in) drawn like PEFT's kaiming-uniform (U(-1/sqrt(in), 1/sqrt(in))), B (out x rank) zero,
 * so a fresh adapter leaves the model unchanged. Factors are float32 on the model's device whatever its compute type. Base weights stay frozen (they never require grad);
 * the audio tower is not adapted. Tensor names follow PEFT: {@code <projection>.lora_A.weight}.
 */
public final class LoraAdapters {
    /** One adapter: its projection's Hugging Face name and its factors (leaf tensors requiring grad). */
    public record Adapter(String name, Tensor a, Tensor b) {}

    private final LoraConfig config;
    private final Map<String, Adapter> adapters;
    private boolean training = true;

    private LoraAdapters(LoraConfig config, Map<String, Adapter> adapters) {
        this.config = config;
        this.adapters = adapters;
    }

    /**
     * Creates adapters for every decoder projection of {@code model} and routes them through it. A is
     * drawn from libtorch's generator, so call {@code torch.manual_seed} first for a reproducible start.
     */
    public static LoraAdapters attach(Qwen2AudioModel model, LoraConfig config) {
        Map<String, Adapter> created = new LinkedHashMap<>();
        model.adaptDecoderProjections((name, base) -> {
            double bound = 1.0 / Math.sqrt(base.inFeatures());
            // drawn on the CPU whatever the device, so that a seed gives the same start everywhere
            Tensor a = Tensors.keep(model.compute().place(torch.rand(config.rank(), base.inFeatures()).mul(Tensors.scalar(2 * bound))
                    .sub(Tensors.scalar(bound))).set_requires_grad(true));
            Tensor b = Tensors.keep(model.compute().place(torch.zeros(base.outFeatures(), config.rank())).set_requires_grad(true));
            created.put(name, new Adapter(name, a, b));
            return base;
        });
        LoraAdapters lora = new LoraAdapters(config, Collections.unmodifiableMap(created));
        model.adaptDecoderProjections(lora::wrap);
        return lora;
    }

    private LinearOp wrap(String name, Linear base) {
        Adapter adapter = adapters.get(name);
        if (adapter == null) throw new IllegalStateException("no LoRA adapter was created for " + name);
        double scale = config.scale();
        return x -> {
            // Dropout only on the adapter's input path, as PEFT does; the frozen projection sees x unchanged.
            // The adapter path runs in float32 (its factors' type) whatever the compute type, then joins the base output's type.
            Tensor in = (training && config.dropout() > 0 ? torch.dropout(x, config.dropout(), true) : x).to(ScalarType.Float);
            Tensor delta = in.matmul(adapter.a().t()).matmul(adapter.b().t()).mul(Tensors.scalar(scale));
            return base.forward(x).add(Tensors.typed(delta, x));
        };
    }

    public LoraConfig config() {
        return config;
    }

    /** Training mode applies the adapter dropout; evaluation mode does not. */
    public void train(boolean on) {
        this.training = on;
    }

    /**
     * For inference (evaluation, the export's parity reference): no dropout, and the factors stop
     * requiring grad so forward passes build no autograd graph. Training cannot continue afterwards.
     */
    public void freeze() {
        this.training = false;
        for (Adapter a : adapters.values()) {
            a.a().set_requires_grad(false);
            a.b().set_requires_grad(false);
        }
    }

    /** Adapters in the model's projection order (layer by layer). */
    public List<Adapter> adapters() {
        return List.copyOf(adapters.values());
    }

    /** The factors as the loss kernels take them, with s = alpha / rank. */
    public List<LoraFactors> factors() {
        List<LoraFactors> out = new ArrayList<>();
        for (Adapter a : adapters.values()) out.add(new LoraFactors(a.a(), a.b(), config.scale()));
        return out;
    }

    /** Trainable tensors by PEFT name, in a fixed order (A then B per projection): what the optimiser updates. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Adapter a : adapters.values()) {
            out.put(a.name() + ".lora_A.weight", a.a());
            out.put(a.name() + ".lora_B.weight", a.b());
        }
        return out;
    }

    /** Overwrites every factor with {@code values} (same names and shapes), without touching autograd state. */
    public void load(Map<String, Tensor> values, String source) {
        Map<String, Tensor> params = parameters();
        if (!values.keySet().equals(params.keySet())) {
            List<String> missing = new ArrayList<>(params.keySet());
            missing.removeAll(values.keySet());
            List<String> extra = new ArrayList<>(values.keySet());
            extra.removeAll(params.keySet());
            throw new IllegalArgumentException(source + " does not match this model's adapters: missing " + missing + ", unexpected " + extra
                    + "; was it written for another model or LoRA rank?");
        }
        try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor v = values.get(e.getKey());
                if (!java.util.Arrays.equals(Tensors.shape(v), Tensors.shape(e.getValue())))
                    throw new IllegalArgumentException(source + ": " + e.getKey() + " has shape " + java.util.Arrays.toString(Tensors.shape(v))
                            + ", the adapter needs " + java.util.Arrays.toString(Tensors.shape(e.getValue())) + " (another --lora-rank?)");
                e.getValue().copy_(v);
            }
        }
    }
}
