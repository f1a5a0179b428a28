package io.rrs.reshape;

import io.rrs.training.TrainingFixtures;
import io.rrs.training.AdamWConfig;
import io.rrs.training.Checkpoint;
import io.rrs.training.LoraConfig;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import io.rrs.training.dist.DistConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measurement, not a test: step time of {@code rrs reshape train} with 1 process and with 2 Gloo ranks on
 * this machine, on the tiny fixture model; and the all-reduce payload per step. Run with the test classpath:
 * {@code java -cp ... io.rrs.reshape.DistStepBench WORKDIR [perClass] [batch] [epochs]}.
 * Per-step times are the median of the steps after the first epoch (which also extracts and caches audio features).
 */
public final class DistStepBench {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--rank")) { // child: one rank
            rankMain(Integer.parseInt(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            return;
        }
        Path work = Path.of(args[0]);
        int perClass = args.length > 1 ? Integer.parseInt(args[1]) : 16, batch = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Path model = TrainingFixtures.model(work.resolve("model"), 71), data = TrainingFixtures.dataset(work.resolve("data"), perClass);
        Path one = DistTrainFixtures.prepared(model, data, work.resolve("one")), two = DistTrainFixtures.prepared(model, data, work.resolve("two"));
        System.out.printf("1 process: median step %.1f ms%n", medianStepMs(run(one, batch, epochs, DistConfig.single()), epochs));
        String master = DistTrainFixtures.master();
        List<Process> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < 2; r++) {
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), DistStepBench.class.getName(), "--rank", String.valueOf(r), master, two.toString(),
                        String.valueOf(batch), String.valueOf(epochs)).inheritIO();
                pb.environment().put("OPENBLAS_NUM_THREADS", "1");
                ranks.add(pb.start());
            }
            for (Process p : ranks) if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("a rank failed");
        } finally {
            for (Process p : ranks) p.destroyForcibly();
        }
        long params = 0;
        for (var t : Checkpoint.load(Checkpoint.latest(two)).adapter().values()) params += t.numel();
        System.out.printf("all-reduce per step: %d LoRA values + 1 loss = %d bytes (float32) in one call%n", params, (params + 1) * 4);
    }

    private static void rankMain(int rank, String master, Path run, int batch, int epochs) throws Exception {
        DistConfig dist = DistConfig.of(2, rank, master, Duration.ofSeconds(60));
        List<Long> stamps = run(run, batch, epochs, dist);
        if (rank == 0) System.out.printf("2 ranks (Gloo, 127.0.0.1): median step %.1f ms%n", medianStepMs(stamps, epochs));
    }

    private static List<Long> run(Path run, int batch, int epochs, DistConfig dist) throws Exception {
        List<Long> stamps = new ArrayList<>();
        stamps.add(System.nanoTime());
        TrainConfig config = new TrainConfig(run, null, LoraConfig.DEFAULT, AdamWConfig.DEFAULT, batch, 1, epochs,
                TrainConfig.defaults(run).seed(), true, io.rrs.kernels.RrsObjective.Path.FUSED, 0);
        ReshapeTrainer.train(config, null, Progress.none(), (s, l) -> stamps.add(System.nanoTime()), dist);
        return stamps;
    }

    private static double medianStepMs(List<Long> stamps, int epochs) {
        int steps = stamps.size() - 1, perEpoch = steps / epochs;
        double[] ms = new double[steps - perEpoch];
        for (int i = perEpoch; i < steps; i++) ms[i - perEpoch] = (stamps.get(i + 1) - stamps.get(i)) / 1e6;
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
