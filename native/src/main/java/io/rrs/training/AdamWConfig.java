package io.rrs.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Scope: AdamW and gradient-clipping settings of RRS training (DESIGN section 3). Defaults are the
 * paper's: lr 5e-5, betas 0.9 / 0.98, weight decay 0.001, clipping at global norm 1.0; eps is
 * libtorch's 1e-8. A clip norm of 0 turns clipping off.
 */
public record AdamWConfig(double learningRate, double beta1, double beta2, double eps, double weightDecay, double clipNorm) {
    public static final AdamWConfig DEFAULT = new AdamWConfig(5e-5, 0.9, 0.98, 1e-8, 0.001, 1.0);

    public AdamWConfig {
        if (!(learningRate > 0) || !Double.isFinite(learningRate))
            throw new IllegalArgumentException("learning rate " + learningRate + " must be a positive number (default --lr 5e-5)");
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 " + beta1 + " must be in [0, 1) (default 0.9)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 " + beta2 + " must be in [0, 1) (default 0.98)");
        if (!(eps > 0)) throw new IllegalArgumentException("eps " + eps + " must be > 0 (default 1e-8)");
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay))
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be >= 0 (default 0.001)");
        if (!(clipNorm >= 0) || !Double.isFinite(clipNorm))
            throw new IllegalArgumentException("clip norm " + clipNorm + " must be >= 0 (default 1.0; 0 turns clipping off)");
    }

    /** Writes lr, beta1, beta2, eps, weight_decay, clip_norm into a run's settings. */
    public ObjectNode putJson(ObjectNode o) {
        return o.put("lr", learningRate).put("beta1", beta1).put("beta2", beta2).put("eps", eps).put("weight_decay", weightDecay)
                .put("clip_norm", clipNorm);
    }

    /** The settings recorded by {@link #putJson}. */
    public static AdamWConfig fromJson(JsonNode o) {
        return new AdamWConfig(o.path("lr").asDouble(), o.path("beta1").asDouble(), o.path("beta2").asDouble(), o.path("eps").asDouble(),
                o.path("weight_decay").asDouble(), o.path("clip_norm").asDouble());
    }
}
