package io.rrs.training;

import io.rrs.model.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: AdamW over named parameters, written with libtorch ops exactly as libtorch's
 * {@code torch::optim::AdamW::step} computes it (decoupled decay, then the moments, bias-corrected
 * step), plus {@code clip_grad_norm_}. Why our own: the state (exp_avg, exp_avg_sq, step) must be
 * saved and restored bit for bit for an exact resume, and the JavaCPP preset's per-parameter state
 * is keyed by tensor implementation pointers, awkward to save. LoraAdamWTest checks equality with
 * the preset's AdamW step by step.
 * <p>A parameter's gradient is undefined until a backward first reaches it; from then on {@link #zeroGradients()}
 * keeps it defined, so the parameter is updated (decay, moments) every step, with a zero gradient when a step gives
 * it none. Which parameters hold a gradient is therefore part of the state ({@value #GRAD_DEFINED}): a resumed run
 * must update the same parameters as the uninterrupted one (it matters when batches reach different parameters,
 * e.g. pretraining's audio-tower-only transcription batches between chat batches).
 */
public final class AdamWOptimizer {
    private final AdamWConfig config;
    private final Map<String, Tensor> parameters;
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
    private long step;

    /** State key of one flag per parameter (in order, 1 = holds a gradient), beside the moments. */
    public static final String GRAD_DEFINED = "grad_defined";

    public AdamWOptimizer(Map<String, Tensor> parameters, AdamWConfig config) {
        this.config = config;
        this.parameters = new LinkedHashMap<>(parameters);
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            expAvg.put(e.getKey(), Tensors.keep(torch.zeros_like(e.getValue().detach())));
            expAvgSq.put(e.getKey(), Tensors.keep(torch.zeros_like(e.getValue().detach())));
        }
    }

    public AdamWConfig config() {
        return config;
    }

    /** Optimiser steps taken so far (libtorch's per-parameter "step", equal for all parameters here). */
    public long steps() {
        return step;
    }

    /** Multiplies every gradient by {@code factor} (averaging over accumulated micro-batches). */
    public void scaleGradients(double factor) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : parameters.values()) {
                Tensor grad = p.grad();
                if (grad.defined()) grad.mul_(Tensors.scalar(factor));
            }
        }
    }

    /**
     * {@code torch.nn.utils.clip_grad_norm_}: the global L2 norm of all gradients; when clipping is on,
     * every gradient is multiplied by {@code min(1, clipNorm / (norm + 1e-6))}. Returns the norm before clipping.
     */
    public double clipGradients() {
        try (NoGradGuard g = new NoGradGuard()) {
            List<Tensor> norms = new ArrayList<>();
            for (Tensor p : parameters.values()) if (p.grad().defined()) norms.add(p.grad().norm());
            if (norms.isEmpty()) return 0;
            Tensor total = torch.stack(new TensorVector(norms.toArray(new Tensor[0]))).norm();
            if (config.clipNorm() > 0) {
                Tensor coef = total.add(Tensors.scalar(1e-6)).reciprocal().mul(Tensors.scalar(config.clipNorm())).clamp_max(Tensors.scalar(1.0));
                for (Tensor p : parameters.values()) if (p.grad().defined()) p.grad().mul_(coef);
            }
            return total.item_double();
        }
    }

    /** One AdamW step over every parameter with a gradient, then the gradients are zeroed. */
    public void step() {
        step(config.learningRate());
    }

    /** One AdamW step at {@code lr} instead of the configured rate (a schedule, e.g. warmup + cosine, sets it per step). */
    public void step(double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate " + lr + " must be a finite number >= 0");
        step++;
        double b1 = config.beta1(), b2 = config.beta2();
        double biasCorrection1 = 1 - Math.pow(b1, step), biasCorrection2 = 1 - Math.pow(b2, step);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                Tensor p = e.getValue(), grad = p.grad();
                if (!grad.defined()) continue;
                Tensor m = expAvg.get(e.getKey()), v = expAvgSq.get(e.getKey());
                p.mul_(Tensors.scalar(1 - lr * config.weightDecay()));
                m.mul_(Tensors.scalar(b1)).add_(grad, Tensors.scalar(1 - b1));
                v.mul_(Tensors.scalar(b2)).addcmul_(grad, grad, Tensors.scalar(1 - b2));
                Tensor denom = v.sqrt().div(Tensors.scalar(Math.sqrt(biasCorrection2))).add_(Tensors.scalar(config.eps()));
                p.addcdiv_(m, denom, Tensors.scalar(-lr / biasCorrection1));
            }
        }
        zeroGradients();
    }

    public void zeroGradients() {
        for (Tensor p : parameters.values()) {
            Tensor grad = p.grad();
            if (grad.defined()) grad.zero_();
        }
    }

    /** The moments by {@code <parameter>.exp_avg} / {@code .exp_avg_sq}, and the {@value #GRAD_DEFINED} flags, for a checkpoint. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        float[] flags = new float[parameters.size()];
        int i = 0;
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            String name = e.getKey();
            out.put(name + ".exp_avg", expAvg.get(name));
            out.put(name + ".exp_avg_sq", expAvgSq.get(name));
            flags[i++] = e.getValue().grad().defined() ? 1 : 0;
        }
        out.put(GRAD_DEFINED, Tensors.floats(flags, flags.length)); // written at once by the caller: no need to outlive its scope
        return out;
    }

    /**
     * Restores moments, the step count and which parameters hold a gradient, written by {@link #state()} and
     * {@link #steps()}. A state without the flags (written before they were saved) counts a parameter as holding
     * one when its second moment is not all zero (exact unless a gradient once reached it and then none for
     * ~2000 steps, when the moment underflows).
     */
    public void load(Map<String, Tensor> state, long steps, String source) {
        if (steps < 0) throw new IllegalArgumentException(source + ": optimiser step count " + steps + " is negative");
        Tensor flagTensor = state.get(GRAD_DEFINED);
        int expected = 2 * parameters.size() + (flagTensor != null ? 1 : 0);
        if (state.size() != expected)
            throw new IllegalArgumentException(source + " holds " + state.size() + " optimiser tensors, expected " + expected);
        float[] flags = flagTensor == null ? null : Tensors.toFloats(flagTensor);
        if (flags != null && flags.length != parameters.size())
            throw new IllegalArgumentException(source + ": " + GRAD_DEFINED + " has " + flags.length + " flags, expected " + parameters.size());
        try (NoGradGuard g = new NoGradGuard()) {
            int i = 0;
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                String name = e.getKey();
                copyInto(expAvg.get(name), state.get(name + ".exp_avg"), name + ".exp_avg", source);
                copyInto(expAvgSq.get(name), state.get(name + ".exp_avg_sq"), name + ".exp_avg_sq", source);
                boolean holdsGradient = flags != null ? flags[i] != 0 : expAvgSq.get(name).ne(Tensors.scalar(0)).any().item_bool();
                Tensor p = e.getValue();
                if (holdsGradient && !p.grad().defined()) p.mutable_grad().put(torch.zeros_like(p.detach()));
                i++;
            }
        }
        this.step = steps;
    }

    private static void copyInto(Tensor target, Tensor value, String name, String source) {
        if (value == null) throw new IllegalArgumentException(source + " lacks optimiser tensor " + name);
        if (!java.util.Arrays.equals(Tensors.shape(value), Tensors.shape(target)))
            throw new IllegalArgumentException(source + ": " + name + " has shape " + java.util.Arrays.toString(Tensors.shape(value))
                    + ", expected " + java.util.Arrays.toString(Tensors.shape(target)));
        target.copy_(value);
    }
}
