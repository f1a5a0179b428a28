package io.rrs.kernels;

/**
 * Scope: which loss path can run here. The fused kernels live in librrs_kernels.so, which the native
 * module builds with make and g++; a machine with only Java and Maven (the fresh clone {@code rrs demo}
 * must run on) has no such library. There {@link #resolve} turns a request for the fused path into the
 * libtorch-op reference path, which computes the same objective (the kernels are tested equal to it), and
 * says so once on stderr. Anything that needs the kernels themselves (tests, benchmarks) still fails
 * loudly through {@link NativeKernels#library()}.
 */
public final class KernelPath {
    private static volatile String unavailable; // null until checked; "" when the library loads
    private static volatile boolean warned;

    private KernelPath() {}

    /** Whether librrs_kernels.so loads on this machine. */
    public static boolean fusedAvailable() {
        if (unavailable == null) {
            synchronized (KernelPath.class) {
                if (unavailable == null) {
                    try {
                        NativeKernels.library();
                        unavailable = "";
                    } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
                        Throwable cause = e.getCause() != null ? e.getCause() : e;
                        unavailable = String.valueOf(cause.getMessage());
                    }
                }
            }
        }
        return unavailable.isEmpty();
    }

    /** {@code requested}, or REFERENCE when FUSED is asked for and the library is missing (warned once). */
    public static RrsObjective.Path resolve(RrsObjective.Path requested) {
        if (requested != RrsObjective.Path.FUSED || fusedAvailable()) return requested;
        if (!warned) {
            warned = true;
            System.err.println("rrs: the fused loss kernels are not available (" + unavailable + "); using the libtorch-op reference "
                    + "path, which computes the same loss more slowly. Install make and g++ and rebuild for the kernels.");
        }
        return RrsObjective.Path.REFERENCE;
    }
}
