package io.rrs.reshape;

import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.text.InputCondition;
import io.rrs.training.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** Shared by the multi-process training tests: prepared runs and rank processes of {@code rrs reshape train}. */
final class DistTrainFixtures {
    private DistTrainFixtures() {}

    static Path prepared(Path model, Path data, Path run) throws IOException {
        ReshapePrepare.run(new PrepareConfig(model, data, run, InputCondition.AUDIO_TEXT, FeatureMask.positive(), 0, 4, 1, RrsObjective.Path.FUSED),
                Progress.none());
        return run;
    }

    /** Starts rank {@code rank} of {@code rrs reshape train} in a child JVM, output to {@code log}. */
    static Process rank(Path log, int world, int rank, String master, List<String> trainArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.rrs.cli.Rrs", "reshape", "train"));
        cmd.addAll(trainArgs);
        cmd.addAll(List.of("--world-size", String.valueOf(world), "--rank", String.valueOf(rank), "--master", master));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        return pb.start();
    }

    static String master() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    static double maxAbsDifference(Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) throw new AssertionError("adapter names differ: " + a.keySet() + " vs " + b.keySet());
        double max = 0;
        for (String name : a.keySet()) max = Math.max(max, a.get(name).sub(b.get(name)).abs().max().item_double());
        return max;
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }
}
