package io.rrs.training.dist;

import java.time.Duration;

/**
 * Scope: where one rank of a data-parallel {@code rrs reshape train} sits: {@code worldSize} processes,
 * this one's {@code rank}, the rendezvous {@code masterHost:masterPort} (rank 0 hosts the c10d TCPStore
 * there) and the {@code timeout} after which a collective waiting on a dead or hung rank fails.
 */
public record DistConfig(int worldSize, int rank, String masterHost, int masterPort, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public DistConfig {
        if (worldSize < 1) throw new IllegalArgumentException("--world-size " + worldSize + " must be >= 1");
        if (rank < 0 || rank >= worldSize)
            throw new IllegalArgumentException("--rank " + rank + " must be in 0.." + (worldSize - 1) + " for --world-size " + worldSize);
        if (worldSize > 1 && (masterHost == null || masterHost.isBlank()))
            throw new IllegalArgumentException("--master ADDR:PORT is required with --world-size " + worldSize);
        if (worldSize > 1 && (masterPort < 1 || masterPort > 65535))
            throw new IllegalArgumentException("--master port " + masterPort + " must be in 1..65535");
        if (timeout == null) timeout = DEFAULT_TIMEOUT;
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("--dist-timeout must be > 0, got " + timeout);
    }

    /** One process: no process group at all. */
    public static DistConfig single() {
        return new DistConfig(1, 0, null, 0, DEFAULT_TIMEOUT);
    }

    /** Parses {@code ADDR:PORT} as given to {@code --master}. */
    public static DistConfig of(int worldSize, int rank, String master, Duration timeout) {
        if (worldSize == 1 && master == null) return new DistConfig(1, 0, null, 0, timeout);
        if (master == null) throw new IllegalArgumentException("--master ADDR:PORT is required with --world-size " + worldSize);
        int colon = master.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("--master \"" + master + "\" must be ADDR:PORT, e.g. 127.0.0.1:29500");
        int port;
        try {
            port = Integer.parseInt(master.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--master \"" + master + "\": the port is not a number; use ADDR:PORT, e.g. 127.0.0.1:29500");
        }
        return new DistConfig(worldSize, rank, master.substring(0, colon), port, timeout);
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    public boolean writesFiles() {
        return rank == 0;
    }
}
