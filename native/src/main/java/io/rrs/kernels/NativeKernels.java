package io.rrs.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads librrs_kernels.so and declares its JNI entry points. Callers pass raw data pointers that
 * {@link FusedLosses} has already checked (shape, dtype, device, contiguity); {@code device} is -1
 * for CPU tensors or the CUDA device index, {@code stream} the CUDA stream (0 = default stream).
 *
 * <p>Where the library comes from, first match wins: the system property
 * {@code rrs.kernels.library} (a path), else the class-path resource
 * {@code /native/linux-x86_64/librrs_kernels.so} that the native module's build puts into
 * target/classes (loaded in place from a directory, extracted to a temporary file from a jar).
 */
public final class NativeKernels {
    static final String RESOURCE = "/native/linux-x86_64/librrs_kernels.so";
    private static final Path LIBRARY = load();
    private static final boolean CUDA_BUILT = cudaBuilt();
    private static final int CUDA_DEVICES = CUDA_BUILT ? cudaDeviceCount() : 0;

    static {  // say once which path the kernels take on this machine (CPU fallback included)
        System.getLogger("io.rrs.kernels").log(System.Logger.Level.INFO, "librrs_kernels: " + describe());
    }

    private NativeKernels() {}

    /** Forces loading; throws {@link UnsatisfiedLinkError} with the fix when the library is missing. */
    public static Path library() {
        return LIBRARY;
    }

    /** Whether the loaded library contains the CUDA kernels (it was built where nvcc exists). */
    public static boolean isCudaBuild() {
        return CUDA_BUILT;
    }

    /** CUDA devices visible to the library: 0 for a CPU build or a machine without driver/GPU. */
    public static int cudaDevices() {
        return CUDA_DEVICES;
    }

    /** Whether CUDA tensors can be handed to the kernels. */
    public static boolean cudaUsable() {
        return CUDA_BUILT && CUDA_DEVICES > 0;
    }

    /** One line for logs and {@code rrs doctor}: where the library is, what it holds, which path runs. */
    public static String describe() {
        String build = CUDA_BUILT ? "CUDA build (sm_80, sm_90)" : "CPU-only build";
        String path;
        if (cudaUsable()) {
            path = "CUDA tensors run on " + CUDA_DEVICES + " CUDA device(s), CPU tensors on the CPU";
        } else if (CUDA_BUILT) {
            path = "no CUDA device or driver found: falling back to the CPU kernels";
        } else {
            path = "running the CPU kernels (built without nvcc)";
        }
        return LIBRARY + " (" + build + "); " + path;
    }

    private static Path load() {
        String explicit = System.getProperty("rrs.kernels.library");
        try {
            Path path;
            if (explicit != null && !explicit.isBlank()) {
                path = Path.of(explicit).toAbsolutePath();
            } else {
                URL url = NativeKernels.class.getResource(RESOURCE);
                if (url == null) {
                    throw new UnsatisfiedLinkError("librrs_kernels.so is not on the class path (" + RESOURCE
                            + "): build the native module ('mvn -pl native -am compile', needs make and g++) "
                            + "or set -Drrs.kernels.library=/path/to/librrs_kernels.so");
                }
                path = "file".equals(url.getProtocol()) ? Path.of(url.toURI()) : extract(url);
            }
            System.load(path.toString());
            return path;
        } catch (IOException | URISyntaxException e) {
            throw new UnsatisfiedLinkError("cannot prepare librrs_kernels.so for loading: " + e);
        }
    }

    // Inside a jar the library must become a file first; one temporary copy per process.
    private static Path extract(URL url) throws IOException {
        Path dir = Files.createTempDirectory("rrs-kernels");
        Path target = dir.resolve("librrs_kernels.so");
        try (InputStream in = url.openStream()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return target;
    }

    private static native boolean cudaBuilt();

    private static native int cudaDeviceCount();

    static native void reshapeLoss(int device, long stream, long h, long h0, long sign, long deltaMasked, long rows,
                                   long width, int dtype, long loss, long gradH);

    static native void classStatistics(int device, long stream, long harmful, long harmfulRows, long benign,
                                       long benignRows, long width, int dtype, long lmHeadRow, double topFraction,
                                       long meanHarmful, long meanBenign, long delta, long contributions, long mask);

    static native void loraPenalty(int device, long stream, long[] a, long[] b, long[] gradA, long[] gradB,
                                   int[] rank, long[] outFeatures, long[] inFeatures, float[] scale, long penalty);
}
