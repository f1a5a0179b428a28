package io.rrs.kernels;

import static io.rrs.kernels.TensorChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * One AdamW step of a small LoRA-adapted stand-in (two linear layers with frozen weights and
 * adapters, tanh between) driven once by the reference path (autograd over the libtorch losses) and
 * once by the fused path (kernel value, H.backward(dL/dH), penalty gradients added to .grad), both
 * through {@link RrsObjective}, the trainer's entry point.
 */
class FusedOptimiserStepTest {
    private static final long BATCH = 6, IN = 24, HIDDEN = 40, WIDTH = 33, RANK = 4;

    /** The stand-in's trainable factors, cloned from one initial state so both paths start equal. */
    private record StandIn(Tensor w1, Tensor w2, List<LoraFactors> adapters) {
        Tensor forward(Tensor x) {
            Tensor hidden = linear(x, w1, adapters.get(0)).tanh();
            return linear(hidden, w2, adapters.get(1));
        }

        private static Tensor linear(Tensor x, Tensor w, LoraFactors lora) {
            // y = x W^T + s x A^T B^T, the LoRA forward without materialising B A
            return x.mm(w.t()).add(x.mm(lora.a().t()).mm(lora.b().t()).mul(new Scalar(lora.scale())));
        }

        List<Tensor> parameters() {
            List<Tensor> p = new ArrayList<>();
            for (LoraFactors f : adapters) {
                p.add(f.a());
                p.add(f.b());
            }
            return p;
        }

        /** Copies of the factors' gradients, in {@link #parameters()} order. */
        List<Tensor> gradients() {
            List<Tensor> g = new ArrayList<>();
            for (Tensor p : parameters()) g.add(p.grad().clone());
            return g;
        }

        StandIn copy() {
            List<LoraFactors> copies = new ArrayList<>();
            for (LoraFactors f : adapters) {
                copies.add(new LoraFactors(f.a().detach().clone().set_requires_grad(true),
                        f.b().detach().clone().set_requires_grad(true), f.scale()));
            }
            return new StandIn(w1, w2, copies);
        }
    }

    /** A seeded stand-in, a batch and its targets: the same draws in the same order for every test. */
    private record Problem(StandIn initial, Tensor x, Tensor h0, Tensor deltaMasked, Tensor sign) {
        static Problem random(long seed) {
            torch.manual_seed(seed);
            Tensor w1 = torch.randn(HIDDEN, IN).mul(new Scalar(0.2)), w2 = torch.randn(WIDTH, HIDDEN).mul(new Scalar(0.2));
            List<LoraFactors> init = new ArrayList<>();
            // B starts non-zero (unlike LoRA's usual zero init) so the penalty and its gradients are not trivial.
            init.add(new LoraFactors(torch.randn(RANK, IN).mul(new Scalar(0.3)), torch.randn(HIDDEN, RANK).mul(new Scalar(0.3)), 4.0 / RANK));
            init.add(new LoraFactors(torch.randn(RANK, HIDDEN).mul(new Scalar(0.3)), torch.randn(WIDTH, RANK).mul(new Scalar(0.3)), 4.0 / RANK));
            Tensor x = torch.randn(BATCH, IN), h0 = torch.randn(BATCH, WIDTH), deltaMasked = torch.randn(WIDTH);
            return new Problem(new StandIn(w1, w2, init), x, h0, deltaMasked, torch.tensor(new float[] {1, -1, 1, 1, -1, -1}));
        }
    }

    private static AdamW optimiser(List<Tensor> parameters) {
        AdamWOptions options = new AdamWOptions(1e-2);
        // betas() maps a std::tuple<double, double>, which libstdc++ lays out last element first:
        // index 0 is beta2 (see LoraAdamWTest, which checks this against our own AdamW).
        options.betas().put(0, 0.98).put(1, 0.9);
        options.weight_decay().put(0.001);
        return new AdamW(new TensorVector(parameters.toArray(new Tensor[0])), options);
    }

    @Test
    void fusedStepEqualsReferenceStep() {
        try (PointerScope scope = new PointerScope()) {
            Problem problem = Problem.random(2024);
            StandIn initial = problem.initial();
            Tensor x = problem.x(), h0 = problem.h0(), deltaMasked = problem.deltaMasked(), sign = problem.sign();

            StandIn reference = initial.copy();
            AdamW referenceOpt = optimiser(reference.parameters());
            double referenceLoss = RrsObjective.backward(RrsObjective.Path.REFERENCE, reference.forward(x), h0, sign,
                    deltaMasked, reference.adapters());
            List<Tensor> referenceGrads = reference.gradients();
            referenceOpt.step();

            StandIn fused = initial.copy();
            AdamW fusedOpt = optimiser(fused.parameters());
            double fusedLoss = RrsObjective.backward(RrsObjective.Path.FUSED, fused.forward(x), h0, sign, deltaMasked,
                    fused.adapters());
            assertTrue(Math.abs(fusedLoss - referenceLoss) <= 1e-5 * Math.abs(referenceLoss),
                    "loss " + fusedLoss + " vs reference " + referenceLoss);
            for (int i = 0; i < referenceGrads.size(); i++) {
                assertClose("gradient of parameter " + i, fused.parameters().get(i).grad(), referenceGrads.get(i), 1e-5);
            }
            fusedOpt.step();

            for (int i = 0; i < referenceGrads.size(); i++) {
                Tensor after = fused.parameters().get(i), expected = reference.parameters().get(i);
                double maxDiff = after.detach().sub(expected.detach()).abs().max().item_double();
                assertTrue(maxDiff <= 1e-6, "parameter " + i + " differs by " + maxDiff + " after the step");
                double moved = after.detach().sub(initial.parameters().get(i)).abs().max().item_double();
                assertTrue(moved > 1e-3, "parameter " + i + " must move in the step (moved " + moved + ")");
            }
        }
    }

    @Test
    void aWeightedPenaltyGivesTheSameGradientsOnBothPathsAndZeroLeavesItOut() {
        try (PointerScope scope = new PointerScope()) {
            Problem problem = Problem.random(7);
            StandIn initial = problem.initial();
            Tensor x = problem.x(), h0 = problem.h0(), deltaMasked = problem.deltaMasked(), sign = problem.sign();
            double[] losses = new double[4];
            List<List<Tensor>> grads = new ArrayList<>();
            int k = 0;
            for (double weight : new double[] {0.01, 0.0})
                for (RrsObjective.Path path : RrsObjective.Path.values()) {
                    StandIn m = initial.copy();
                    losses[k++] = RrsObjective.backward(path, m.forward(x), h0, sign, deltaMasked, m.adapters(), weight);
                    grads.add(m.gradients());
                }
            StandIn plain = initial.copy();
            double mse = ReferenceLosses.reshapeLoss(plain.forward(x), h0, sign, deltaMasked).item_double();
            double penalty = ReferenceLosses.loraPenalty(plain.adapters()).item_double();
            assertTrue(penalty > 0.1, "a non-trivial penalty: " + penalty);
            assertEquals(mse + 0.01 * penalty, losses[0], 1e-5 * losses[0]);
            assertEquals(losses[0], losses[1], 1e-5 * losses[0]);
            assertEquals(mse, losses[2], 1e-5 * mse);
            assertEquals(mse, losses[3], 1e-5 * mse);
            for (int i = 0; i < grads.get(0).size(); i++) {
                assertClose("weighted, parameter " + i, grads.get(1).get(i), grads.get(0).get(i), 1e-5);
                assertClose("unweighted, parameter " + i, grads.get(3).get(i), grads.get(2).get(i), 1e-5);
            }
            // the penalty reaches the LoRA factors' gradients: weight 0.01 and 0 differ
            assertTrue(grads.get(0).get(2).sub(grads.get(2).get(2)).abs().max().item_double() > 1e-6, "the penalty must reach the LoRA gradients");
        }
    }
}
