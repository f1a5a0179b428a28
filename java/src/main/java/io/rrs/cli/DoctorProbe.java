package io.rrs.cli;

import java.util.Map;

/**
 * Lets modules beyond the runtime add lines to {@code rrs doctor} (the trainer: libtorch, the fused
 * kernels, libtorch's CUDA) without the runtime depending on them: implementations are found with
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/io.rrs.cli.DoctorProbe}), as
 * {@link CommandProvider}s are.
 */
public interface DoctorProbe {
    /** Label -> one-line finding, in print order; each probe catches its own failures. */
    Map<String, String> lines();
}
