package io.rrs.training.dist;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scope: {@code rrs reshape train --world-size N} without {@code --rank}: starts the N ranks as child JVMs on
 * this machine (same classpath and arguments, plus {@code --rank R --master 127.0.0.1:PORT}), rank 0's output
 * inherited, rank R's in {@code RUN/rank-R.log}. Returns the first failing rank's exit code; once one rank
 * failed, the rest get the distributed timeout plus a grace period to stop by themselves, then are killed.
 */
public final class LocalLauncher {
    private static final Duration GRACE = Duration.ofSeconds(10);

    private LocalLauncher() {}

    public static int run(int worldSize, String master, Duration timeout, List<String> originalArgs, Path runDir) throws IOException, InterruptedException {
        String rendezvous = master != null ? master : "127.0.0.1:" + freeLoopbackPort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.createDirectories(runDir);
        List<Process> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < worldSize; r++) {
                List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.rrs.cli.Rrs", "reshape", "train"));
                cmd.addAll(withoutOption(trainArgs(originalArgs), "--master"));
                cmd.addAll(List.of("--rank", String.valueOf(r), "--master", rendezvous));
                ProcessBuilder pb = new ProcessBuilder(cmd);
                if (r == 0) pb.inheritIO();
                else pb.redirectErrorStream(true).redirectOutput(runDir.resolve("rank-" + r + ".log").toFile());
                ranks.add(pb.start());
            }
            System.err.printf("rrs reshape: started %d ranks, rendezvous %s; ranks 1..%d log to %s/rank-R.log%n", worldSize, rendezvous,
                    worldSize - 1, runDir);
            int firstFailure = 0;
            long killAt = Long.MAX_VALUE;
            while (ranks.stream().anyMatch(Process::isAlive)) {
                for (int r = 0; r < worldSize; r++) {
                    Process p = ranks.get(r);
                    if (!p.isAlive() && p.exitValue() != 0 && firstFailure == 0) {
                        firstFailure = p.exitValue();
                        System.err.printf("rrs reshape: rank %d exited with code %d%s%n", r, firstFailure,
                                r == 0 ? "" : " (see " + runDir.resolve("rank-" + r + ".log") + ")");
                        killAt = System.nanoTime() + timeout.plus(GRACE).toNanos();
                    }
                }
                if (System.nanoTime() > killAt) {
                    System.err.println("rrs reshape: ranks still running " + GRACE.toSeconds() + " s past --dist-timeout after a failure; killing them");
                    break;
                }
                Thread.sleep(100);
            }
            for (int r = 0; r < worldSize && firstFailure == 0; r++) if (ranks.get(r).exitValue() != 0) firstFailure = ranks.get(r).exitValue();
            return firstFailure;
        } finally {
            for (Process p : ranks) p.destroyForcibly(); // never leave a rank behind, whatever happened
            for (Process p : ranks) p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** picocli's original arguments are the whole command line; the ranks get what follows {@code reshape train}. */
    static List<String> trainArgs(List<String> original) {
        for (int i = 0; i + 1 < original.size(); i++)
            if (original.get(i).equals("reshape") && original.get(i + 1).equals("train")) return original.subList(i + 2, original.size());
        return original;
    }

    static List<String> withoutOption(List<String> args, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(name)) i++; // and its value
            else if (!a.startsWith(name + "=")) out.add(a);
        }
        return out;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
