package io.rrs.kernels;

/** A failure reported by librrs_kernels.so; the message is the kernel's own, naming the input at fault. */
public final class KernelException extends RuntimeException {
    public KernelException(String message) {
        super(message);
    }
}
