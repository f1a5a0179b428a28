package io.rrs.pretrain;

/** Scope: derived seeds, so data order and draws depend only on (seed, epoch, ...) and a resume needs no RNG state. */
final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit value of three inputs (SplitMix64 finaliser). */
    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
