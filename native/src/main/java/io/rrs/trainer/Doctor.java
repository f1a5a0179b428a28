package io.rrs.trainer;

import io.rrs.cli.DoctorProbe;
import io.rrs.kernels.NativeKernels;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.bytedeco.pytorch.global.torch;

/**
 * The trainer's lines of {@code rrs doctor}, found by the runtime through {@link DoctorProbe}
 * (the runtime must not depend on libtorch). Each probe catches its own failures so one missing
 * library does not hide the others.
 */
public final class Doctor implements DoctorProbe {
    @Override
    public Map<String, String> lines() {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("libtorch", libtorch());
        lines.put("fused kernels", kernels());
        lines.put("cuda (torch)", cuda());
        lines.put("training device", device());
        return lines;
    }

    /** libtorch as loaded through JavaCPP. */
    public static String libtorch() {
        try {
            torch.manual_seed(0);  // forces the native load
            return "loaded (JavaCPP pytorch " + presetVersion() + ", " + torch.get_num_threads() + " intra-op threads)";
        } catch (Throwable t) {
            return "NOT loaded: " + t;
        }
    }

    // The preset's Maven version, from the pom.properties inside its jar.
    private static String presetVersion() {
        try (InputStream in = torch.class.getResourceAsStream("/META-INF/maven/org.bytedeco/pytorch/pom.properties")) {
            if (in == null) return "version unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "version unknown");
        } catch (IOException e) {
            return "version unknown";
        }
    }

    /** librrs_kernels.so: path, CPU or CUDA build, and the path the kernels take here. */
    public static String kernels() {
        try {
            return NativeKernels.describe();
        } catch (Throwable t) {
            return "NOT loaded: " + t.getMessage();
        }
    }

    /**
     * What a run with {@code --device cuda} (else the default {@code cpu}) would use here: the device, its
     * compute types, and which path the fused loss kernels take on its tensors.
     */
    public static String device() {
        try {
            boolean gpu = torch.cuda_is_available();
            String kernels = gpu && NativeKernels.cudaUsable() ? "fused kernels on CUDA" : NativeKernels.cudaUsable() || !gpu
                    ? "fused kernels on the CPU" : "no CUDA kernels in librrs_kernels.so: on cuda pass --loss reference (or rebuild the library where nvcc is)";
            return gpu ? "--device cuda:0..." + (torch.cuda_device_count() - 1) + " available (--dtype float32|bfloat16|float16); " + kernels
                    : "--device cpu only (--dtype float32|bfloat16|float16; bf16 checkpoints stay bf16 in memory); " + kernels;
        } catch (Throwable t) {
            return "unknown: " + t;
        }
    }

    /** CUDA as libtorch sees it. */
    public static String cuda() {
        try {
            return torch.cuda_is_available()
                    ? "libtorch CUDA available, " + torch.cuda_device_count() + " device(s)"
                    : "libtorch CUDA not available (CPU libtorch build or no GPU)";
        } catch (Throwable t) {
            return "libtorch CUDA unknown: " + t;
        }
    }
}
