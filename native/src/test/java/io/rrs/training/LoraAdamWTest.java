package io.rrs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Our AdamW (saved and restored for exact resume) against libtorch's torch::optim::AdamW, and clip_grad_norm_. */
class LoraAdamWTest {
    @Test
    void stepsEqualLibtorchAdamW() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            Tensor init1 = torch.randn(5, 7), init2 = torch.randn(3);
            Tensor ours1 = init1.clone().set_requires_grad(true), ours2 = init2.clone().set_requires_grad(true);
            Tensor theirs1 = init1.clone().set_requires_grad(true), theirs2 = init2.clone().set_requires_grad(true);
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("a", ours1);
            params.put("b", ours2);
            AdamWConfig config = new AdamWConfig(1e-2, 0.9, 0.98, 1e-8, 0.01, 0);
            AdamWOptimizer ours = new AdamWOptimizer(params, config);
            AdamWOptions options = new AdamWOptions(1e-2);
            // betas() is a std::tuple<double, double>; libstdc++ lays a tuple out last element first, so
            // index 0 of the pointer is beta2 (setting put(0, beta1) silently swaps them: found by this test).
            options.betas().put(0, 0.98).put(1, 0.9);
            options.weight_decay().put(0.01);
            AdamW theirs = new AdamW(new TensorVector(theirs1, theirs2), options);
            for (int step = 0; step < 5; step++) {
                Tensor g1 = torch.randn(5, 7), g2 = torch.randn(3);
                ours1.mutable_grad().put(g1.clone());
                ours2.mutable_grad().put(g2.clone());
                theirs.zero_grad();
                theirs1.mutable_grad().put(g1.clone());
                theirs2.mutable_grad().put(g2.clone());
                ours.step();
                theirs.step();
                assertEquals(0.0, ours1.detach().sub(theirs1.detach()).abs().max().item_double(), 1e-7, "step " + step);
                assertEquals(0.0, ours2.detach().sub(theirs2.detach()).abs().max().item_double(), 1e-7, "step " + step);
            }
            assertEquals(5, ours.steps());
            assertTrue(ours1.detach().sub(init1).abs().max().item_double() > 1e-2, "the parameters moved");
        }
    }

    @Test
    void clippingScalesTheGlobalNormToTheLimit() {
        try (PointerScope scope = new PointerScope()) {
            Tensor p = torch.zeros(2).set_requires_grad(true), q = torch.zeros(1).set_requires_grad(true);
            p.mutable_grad().put(Tensors.floats(new float[] {3, 0}, 2));
            q.mutable_grad().put(Tensors.floats(new float[] {4}, 1));
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("p", p);
            params.put("q", q);
            AdamWOptimizer opt = new AdamWOptimizer(params, new AdamWConfig(1e-3, 0.9, 0.98, 1e-8, 0, 1.0));
            assertEquals(5.0, opt.clipGradients(), 1e-6, "norm before clipping");
            double scale = 1.0 / (5.0 + 1e-6);
            assertEquals(3 * scale, p.grad().get(0).item_double(), 1e-6);
            assertEquals(4 * scale, q.grad().get(0).item_double(), 1e-6);
            assertEquals(1.0, opt.clipGradients(), 1e-5, "a norm below the limit stays");
        }
    }

    @Test
    void stateRoundTripsAndRefusesMismatches() {
        try (PointerScope scope = new PointerScope()) {
            Tensor p = torch.ones(4).set_requires_grad(true);
            AdamWOptimizer opt = new AdamWOptimizer(Map.of("p", p), AdamWConfig.DEFAULT);
            p.mutable_grad().put(torch.ones(4));
            opt.step();
            AdamWOptimizer copy = new AdamWOptimizer(Map.of("p", torch.ones(4)), AdamWConfig.DEFAULT);
            copy.load(opt.state(), opt.steps(), "optimizer.safetensors");
            assertEquals(1, copy.steps());
            assertEquals(0.0, copy.state().get("p.exp_avg").sub(opt.state().get("p.exp_avg")).abs().max().item_double());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> copy.load(Map.of("p.exp_avg", torch.ones(3), "p.exp_avg_sq", torch.ones(4)), 1, "optimizer.safetensors"));
            assertTrue(e.getMessage().contains("p.exp_avg") && e.getMessage().contains("optimizer.safetensors"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(0, 0.9, 0.98, 1e-8, 0.001, 1));
        }
    }

    /**
     * A parameter a step gives no gradient keeps being updated once it held one (its gradient is zeroed, not undefined);
     * a resume must do the same. Without the saved flags the resumed copy would skip {@code a} at step 2.
     */
    @Test
    void resumeUpdatesTheParametersThatHeldAGradientWithOrWithoutTheSavedFlags() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(5);
            Tensor initA = torch.randn(4), initB = torch.randn(3);
            AdamWConfig config = new AdamWConfig(1e-2, 0.9, 0.98, 1e-8, 0.01, 0);
            Map<String, Tensor> whole = params(initA, initB);
            AdamWOptimizer wholeOpt = new AdamWOptimizer(whole, config);
            whole.get("a").mul(whole.get("a")).sum().backward(); // step 1 reaches a only
            wholeOpt.step();
            Map<String, Tensor> saved = new LinkedHashMap<>();
            wholeOpt.state().forEach((k, v) -> saved.put(k, v.clone()));
            Tensor aAfter1 = whole.get("a").detach().clone(), bAfter1 = whole.get("b").detach().clone();
            assertEquals(5, saved.size(), "two moments per parameter and the flags: " + saved.keySet());
            whole.get("b").mul(whole.get("b")).sum().backward(); // step 2 reaches b only
            wholeOpt.step();
            assertTrue(whole.get("a").detach().sub(aAfter1).abs().max().item_double() > 1e-4, "a moved at step 2 on its momentum");

            for (boolean withFlags : new boolean[] {true, false}) {
                Map<String, Tensor> resumed = params(aAfter1, bAfter1);
                AdamWOptimizer resumedOpt = new AdamWOptimizer(resumed, config);
                Map<String, Tensor> state = new LinkedHashMap<>(saved);
                if (!withFlags) state.remove(AdamWOptimizer.GRAD_DEFINED);
                resumedOpt.load(state, 1, "test state");
                resumed.get("b").mul(resumed.get("b")).sum().backward();
                resumedOpt.step();
                for (String name : whole.keySet())
                    assertEquals(0.0, resumed.get(name).detach().sub(whole.get(name).detach()).abs().max().item_double(), 0.0,
                            name + (withFlags ? " with" : " without") + " the flags");
            }
        }
    }

    private static Map<String, Tensor> params(Tensor a, Tensor b) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a.clone().set_requires_grad(true));
        params.put("b", b.clone().set_requires_grad(true));
        return params;
    }
}
