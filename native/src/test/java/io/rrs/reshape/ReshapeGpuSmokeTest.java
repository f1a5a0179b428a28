package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.model.Compute;
import io.rrs.model.Tensors;
import io.rrs.query.QueryEncoder;
import io.rrs.text.InputCondition;
import io.rrs.training.AdamWConfig;
import io.rrs.training.LoraConfig;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import io.rrs.training.TrainingFixtures;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a CUDA device ({@code mvn -Pgpu test} on a GPU machine; skipped elsewhere): {@code rrs reshape prepare} and
 * two optimiser steps of {@code rrs reshape train} on {@code cuda:0}, the fused kernels on CUDA tensors. The
 * device's representations and first losses agree with the CPU run's.
 */
@Tag("gpu")
class ReshapeGpuSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void prepareAndTwoTrainingStepsOnCuda0MatchTheCpu() throws Exception {
        assumeTrue(torch.cuda_is_available(), "libtorch sees no CUDA device (a CPU build, or no GPU): nothing to smoke-test");
        Path model = TrainingFixtures.model(tmp.resolve("model"), 41), data = TrainingFixtures.dataset(tmp.resolve("data"), 4);
        Compute gpu = Compute.parse("cuda:0", "float32");
        Path cpuRun = tmp.resolve("cpu"), gpuRun = tmp.resolve("gpu");
        for (Path run : new Path[] {cpuRun, gpuRun})
            ReshapePrepare.run(new PrepareConfig(model, data, run, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 4, 1,
                    RrsObjective.Path.FUSED, QueryEncoder.AudioPadding.WINDOW, run == gpuRun ? gpu : Compute.CPU), Progress.none());
        float[] h0Cpu = Tensors.toFloats(PreparedRun.load(cpuRun).tensor("h0")), h0Gpu = Tensors.toFloats(PreparedRun.load(gpuRun).tensor("h0"));
        assertArrayEquals(h0Cpu, h0Gpu, 1e-3f, "the frozen representations on cuda:0 and on the CPU");

        double[] first = new double[2];
        for (int i = 0; i < 2; i++) {
            Path run = i == 0 ? cpuRun : gpuRun;
            TrainConfig config = new TrainConfig(run, null, LoraConfig.DEFAULT, new AdamWConfig(1e-3, 0.9, 0.98, 1e-8, 0.001, 1.0), 4, 1, 1, 7,
                    false, RrsObjective.Path.FUSED, 0, 1.0, i == 0 ? Compute.CPU : gpu);
            ReshapeTrainer.Result r = ReshapeTrainer.train(config, null, Progress.none(), (s, l) -> {});
            assertEquals(2, r.state().optimizerSteps(), "8 queries, batch 4: two optimiser steps");
            first[i] = r.state().losses().get(1).loss();
        }
        assertEquals(first[0], first[1], 1e-3 * Math.abs(first[0]), "second-step loss, CPU vs cuda:0");
        assertEquals(ScalarType.Float, gpu.dtype());
    }
}
