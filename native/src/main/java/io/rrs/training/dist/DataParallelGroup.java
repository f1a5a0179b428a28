package io.rrs.training.dist;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.presets.torch_gloo;

/**
 * Scope: one rank's membership of a c10d process group (libtorch's own collectives through the JavaCPP
 * preset, no collective code of ours): rank 0 hosts the TCPStore rendezvous at {@code --master}, every rank
 * joins a {@link ProcessGroupGloo} (CPU tensors). {@link #allReduceSum} sums a tensor over all ranks in place
 * and fails within the timeout when a peer died or hangs; the failure names that peer, found from per-rank
 * heartbeat and step counters the ranks keep in the store (Gloo's own error only names a socket).
 */
public final class DataParallelGroup implements AutoCloseable {
    private static final long HEARTBEAT_MS = 500;
    private final DistConfig config;
    private final TCPStore store;
    private final ProcessGroupGloo group;
    private final ScheduledExecutorService heartbeat;
    private long collectives;

    private DataParallelGroup(DistConfig config, TCPStore store, ProcessGroupGloo group, ScheduledExecutorService heartbeat) {
        this.config = config;
        this.store = store;
        this.group = group;
        this.heartbeat = heartbeat;
    }

    /** Joins the group; blocks until all {@code worldSize} ranks have joined, or fails after the timeout. */
    public static DataParallelGroup join(DistConfig config) {
        if (!config.distributed()) throw new IllegalArgumentException("a process group needs --world-size >= 2");
        Loader.load(torch_gloo.class); // Gloo's JNI library is a separate preset from torch's
        Milliseconds timeout = new Milliseconds(config.timeout().toMillis());
        TCPStore store;
        try {
            TCPStoreOptions options = new TCPStoreOptions().port((short) config.masterPort()).isServer(config.rank() == 0)
                    .numWorkers(new SizeTPointer(1).put(config.worldSize())).waitWorkers(false).timeout(timeout).useLibUV(false);
            store = new TCPStore(config.masterHost(), options);
        } catch (RuntimeException e) {
            throw new RankFailureException("rank " + config.rank() + ": cannot " + (config.rank() == 0 ? "listen on" : "reach rank 0 at")
                    + " --master " + config.masterHost() + ":" + config.masterPort() + " within " + config.timeout().toSeconds() + " s ("
                    + firstLine(e) + "). " + (config.rank() == 0 ? "Pick a free port." : "Start rank 0 first, with the same --master."), e);
        }
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rrs-dist-heartbeat-" + config.rank());
            t.setDaemon(true);
            return t;
        });
        // Why a heartbeat: after a failed collective it tells a dead rank (counter stopped) from a hung one (alive, behind)
        beat.scheduleAtFixedRate(() -> {
            try {
                store.add(heartbeatKey(config.rank()), 1);
            } catch (RuntimeException ignored) { // the store went away; the next collective reports it
            }
        }, 0, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
        try {
            ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(timeout);
            options.devices(new GlooDeviceVector(isLoopback(config.masterHost())
                    ? ProcessGroupGloo.createDeviceForHostname(config.masterHost()) : ProcessGroupGloo.createDefaultDevice()));
            ProcessGroupGloo group = new ProcessGroupGloo(store, config.rank(), config.worldSize(), options);
            return new DataParallelGroup(config, store, group, beat);
        } catch (RuntimeException e) {
            beat.shutdownNow();
            throw new RankFailureException("rank " + config.rank() + ": the Gloo process group did not form within "
                    + config.timeout().toSeconds() + " s (" + firstLine(e) + "); " + missingRanks(store, config)
                    + " Start all " + config.worldSize() + " ranks with the same --master and --world-size.", e);
        }
    }

    public DistConfig config() {
        return config;
    }

    /**
     * Checks, before the first step, that every rank trains the same thing: each rank publishes its
     * {@code settings} (name -> value: training settings, prepared run, resume point) in the store and
     * compares them with every other rank's. Without it, ranks started with different options would
     * all-reduce gradients of different runs without any error.
     * @throws RankFailureException naming the rank and the settings that differ
     */
    public void checkSameSettings(java.util.SortedMap<String, String> settings) {
        String mine = encode(settings);
        try {
            store.set(settingsKey(config.rank()), mine);
            for (int r = 0; r < config.worldSize(); r++) {
                if (r == config.rank()) continue;
                String theirs = store.get_to_str(settingsKey(r)); // blocks until rank r published, up to the store timeout
                if (!theirs.equals(mine)) throw new RankFailureException("rank " + config.rank() + ": rank " + r + " was started with other "
                        + "settings: " + differences(settings, decode(theirs), r) + ". Start every rank with the same options, "
                        + "prepared run and --resume choice.", null);
            }
        } catch (RankFailureException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RankFailureException("rank " + config.rank() + ": could not compare settings with the other ranks within "
                    + config.timeout().toSeconds() + " s (" + firstLine(e) + "); " + missingRanks(store, config), e);
        }
    }

    private static String encode(java.util.SortedMap<String, String> settings) {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        return sb.toString();
    }

    private static java.util.SortedMap<String, String> decode(String s) {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
        for (String line : s.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }

    private String differences(java.util.SortedMap<String, String> mine, java.util.SortedMap<String, String> theirs, int rank) {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(mine.keySet());
        keys.addAll(theirs.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            String a = mine.get(k), b = theirs.get(k);
            if (!java.util.Objects.equals(a, b))
                out.add(k + " = " + a + " here (rank " + config.rank() + "), " + b + " on rank " + rank);
        }
        return String.join("; ", out);
    }

    /** Sums {@code flat} (a contiguous CPU tensor) over all ranks, in place; throws {@link RankFailureException} naming a failed peer. */
    public void allReduceSum(Tensor flat) {
        collectives++;
        TensorVector tensors = new TensorVector(flat);
        AllreduceOptions options = new AllreduceOptions().reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM))
                .timeout(new Milliseconds(config.timeout().toMillis()));
        boolean completed;
        try {
            store.add(stepKey(config.rank()), 1); // fails too (within the store timeout) once rank 0, the store's host, is gone
            Work work = group.allreduce(tensors, options);
            completed = work._wait(new Milliseconds(config.timeout().toMillis()));
        } catch (RuntimeException e) {
            throw failure(e);
        }
        if (!completed) throw failure(new IllegalStateException("all-reduce did not complete"));
    }

    private RankFailureException failure(RuntimeException cause) {
        return new RankFailureException("rank " + config.rank() + ": gradient all-reduce " + collectives + " failed (" + firstLine(cause)
                + "); " + diagnose() + " Stopping. The last checkpoint (written by rank 0) stays loadable: restart all ranks with --resume.", cause);
    }

    /** Which peer broke the step: dead (heartbeat stopped, or the store on rank 0 is gone) or hung (alive but behind). */
    private String diagnose() {
        try {
            long[] before = counters(store, config.worldSize(), DataParallelGroup::heartbeatKey);
            Thread.sleep(3 * HEARTBEAT_MS);
            long[] after = counters(store, config.worldSize(), DataParallelGroup::heartbeatKey);
            long[] steps = counters(store, config.worldSize(), DataParallelGroup::stepKey);
            List<String> dead = new ArrayList<>(), behind = new ArrayList<>();
            for (int r = 0; r < config.worldSize(); r++) {
                if (r == config.rank()) continue;
                if (after[r] == before[r]) dead.add("rank " + r);
                else if (steps[r] < collectives) behind.add("rank " + r + " (at all-reduce " + steps[r] + ")");
            }
            if (!dead.isEmpty()) return String.join(", ", dead) + " stopped (its process died, was killed or is frozen: no heartbeat).";
            if (!behind.isEmpty()) return String.join(", ", behind) + " is alive but did not reach this step within "
                    + config.timeout().toSeconds() + " s (hung or much slower; raise --dist-timeout if it is only slow).";
            return "no peer is visibly dead or behind; check the other ranks' output.";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "diagnosis interrupted.";
        } catch (RuntimeException e) {
            return "rank 0 stopped (its rendezvous store at " + config.masterHost() + ":" + config.masterPort() + " is gone).";
        }
    }

    private static String missingRanks(TCPStore store, DistConfig config) {
        try {
            long[] beats = counters(store, config.worldSize(), DataParallelGroup::heartbeatKey);
            List<String> missing = new ArrayList<>();
            for (int r = 0; r < beats.length; r++) if (beats[r] == 0) missing.add(String.valueOf(r));
            return missing.isEmpty() ? "all ranks reached the store." : "rank(s) " + String.join(", ", missing) + " never joined.";
        } catch (RuntimeException e) {
            return "rank 0's store is unreachable.";
        }
    }

    private static long[] counters(TCPStore store, int worldSize, java.util.function.IntFunction<String> key) {
        long[] out = new long[worldSize];
        for (int r = 0; r < worldSize; r++) out[r] = store.add(key.apply(r), 0); // add 0: reads without blocking on a missing key
        return out;
    }

    private static String heartbeatKey(int rank) {
        return "rrs/heartbeat/" + rank;
    }

    private static String settingsKey(int rank) {
        return "rrs/settings/" + rank;
    }

    private static String stepKey(int rank) {
        return "rrs/allreduce/" + rank;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        // the group and store are left to process exit: c10d's destructors can block on a dead peer
    }
}
