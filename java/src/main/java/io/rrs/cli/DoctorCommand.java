package io.rrs.cli;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code rrs doctor}: what this machine offers RRS. Each probe is isolated so that one missing
 * native library does not hide the others. libtorch and the fused kernels are looked up by
 * reflection because the runtime must not depend on the trainer.
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
        line("libtorch", probe("io.rrs.trainer.Doctor", "libtorch", "not on the class path (rrs-runtime alone; the trainer module adds it)"));
        line("fused kernels", probe("io.rrs.trainer.Doctor", "kernels", "not on the class path (the trainer module adds librrs_kernels)"));
        line("cuda", cudaSummary());
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

    private static String cudaSummary() {
        String ort;
        try {
            ort = ai.onnxruntime.OrtEnvironment.getAvailableProviders()
                    .contains(ai.onnxruntime.OrtProvider.CUDA) ? "ONNX Runtime CUDA provider built in" : "no ONNX Runtime CUDA provider";
        } catch (Throwable t) {
            ort = "ONNX Runtime unavailable";
        }
        return ort + "; " + probe("io.rrs.trainer.Doctor", "cuda", "libtorch CUDA unknown (trainer not on the class path)");
    }

    /** Calls a static {@code String name()} method of an optional class, or returns the fallback. */
    static String probe(String className, String method, String fallback) {
        try {
            Class<?> c = Class.forName(className);
            Method m = c.getMethod(method);
            return String.valueOf(m.invoke(null));
        } catch (ClassNotFoundException e) {
            return fallback;
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "error: " + cause;
        }
    }
}
