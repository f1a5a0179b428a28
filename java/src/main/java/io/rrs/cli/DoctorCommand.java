package io.rrs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code rrs doctor}: what this machine offers RRS. Each probe is isolated so that one missing
 * native library does not hide the others. libtorch and the fused kernels are reported by the
 * trainer's {@link DoctorProbe} when it is on the class path (the runtime must not depend on it).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Print the environment: Java, native libraries found (ONNX Runtime, libtorch, fused kernels), CUDA, threads.")
public final class DoctorCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Runtime rt = Runtime.getRuntime();
        line("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");
        line("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        line("cpu threads", String.valueOf(rt.availableProcessors()));
        line("max heap", (rt.maxMemory() >> 20) + " MiB");
        line("onnxruntime", probeOnnxRuntime());
        line("cuda (ort)", onnxRuntimeCuda());
        probeLines().forEach(DoctorCommand::line);
        return 0;
    }

    private static void line(String key, String value) {
        System.out.printf("%-14s %s%n", key + ":", value);
    }

    private static String probeOnnxRuntime() {
        try {
            ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            List<String> providers = new ArrayList<>();
            for (var p : ai.onnxruntime.OrtEnvironment.getAvailableProviders()) providers.add(p.name());
            return "loaded " + env.getVersion() + ", providers " + providers;
        } catch (Throwable t) {
            return "NOT loaded: " + t;
        }
    }

    private static String onnxRuntimeCuda() {
        try {
            return ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)
                    ? "ONNX Runtime CUDA provider built in" : "no ONNX Runtime CUDA provider";
        } catch (Throwable t) {
            return "ONNX Runtime unavailable";
        }
    }

    /** The lines of every {@link DoctorProbe} on the class path, or what is missing without one. */
    static Map<String, String> probeLines() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (DoctorProbe probe : ServiceLoader.load(DoctorProbe.class)) lines.putAll(probe.lines());
        if (lines.isEmpty()) {
            lines.put("libtorch", "not on the class path (rrs-runtime alone; the trainer module adds it)");
            lines.put("fused kernels", "not on the class path (the trainer module adds librrs_kernels)");
        }
        return lines;
    }
}
