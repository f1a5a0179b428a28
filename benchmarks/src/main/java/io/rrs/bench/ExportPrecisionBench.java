package io.rrs.bench;

import io.rrs.export.ExportOptions;
import io.rrs.export.ExportPrecision;
import io.rrs.export.Exporter;
import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Scope: what the export precision costs and saves, in two steps that benchmarks/export_precision_bench.sh
 * runs in separate JVMs so that memory figures are the guard's alone:
 * <ul>
 *   <li>{@code export CKPT PRECISION OUT}: the export's wall time, graph bytes (*.onnx and *.onnx.data) and parity maximum;</li>
 *   <li>{@code screen OUT CALLS}: the guard's {@code open} time (which hashes every file), resident memory (anonymous and
 *   file-backed) before and after it and at the end,
 *   and {@code screen} latency (p50/p99 of the verdicts' total and prefill, after 5 warm-up calls) on a 3 s audio-text query
 *   and on one filling the model's whole window.</li>
 * </ul>
 * CKPT {@code fixture} is {@link GuardBenchFixture}'s random 30 s model. Each step prints one line of key=value pairs.
 */
public final class ExportPrecisionBench {
    private ExportPrecisionBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("export")) export(args[1], ExportPrecision.of(args[2]), Path.of(args[3]));
        else if (args.length == 3 && args[0].equals("screen")) screen(Path.of(args[1]), Integer.parseInt(args[2]));
        else throw new IllegalArgumentException("usage: export CKPT|fixture fp32|fp16|bf16 OUT  |  screen OUT CALLS");
    }

    private static void export(String checkpoint, ExportPrecision p, Path out) throws Exception {
        Path ckpt = Path.of(checkpoint);
        if (checkpoint.equals("fixture")) {
            GuardBenchFixture.ensureModel(GuardBenchFixture.defaultDir());
            ckpt = GuardBenchFixture.defaultDir().resolve("ckpt");
        }
        long t0 = System.nanoTime();
        Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, out).withPrecision(p));
        double seconds = (System.nanoTime() - t0) / 1e9;
        long bytes = 0;
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(f -> f.getFileName().toString().contains(".onnx")).toList()) bytes += Files.size(f);
        }
        System.out.printf(Locale.ROOT, "precision=%s graph_bytes=%d export_s=%.1f parity_max=%.2e%n", p.label(), bytes, seconds, r.parityMaxAbsDiff());
    }

    private static void screen(Path dir, int calls) throws Exception {
        long[] before = residentMb();
        long t0 = System.nanoTime();
        try (Guard guard = Guard.open(dir, GuardOptions.defaults())) {
            double openS = (System.nanoTime() - t0) / 1e9;
            long[] open = residentMb();
            int window = guard.manifest().frontEnd().chunkSeconds();
            double[][] shortClip = screen(guard, GuardBenchFixture.queryAudioText(3), calls);
            double[][] wholeWindow = screen(guard, GuardBenchFixture.queryAudioText(window), calls);
            long[] end = residentMb();
            System.out.printf(Locale.ROOT, "precision=%s open_s=%.2f anon_mb=%d/%d/%d file_mb=%d/%d/%d "
                            + "screen3s_p50=%.1f screen3s_p99=%.1f prefill3s_p50=%.1f window_s=%d screenWindow_p50=%.1f screenWindow_p99=%.1f prefillWindow_p50=%.1f%n",
                    guard.manifest().weightsPrecision(), openS, before[0], open[0], end[0], before[1], open[1], end[1], shortClip[0][0], shortClip[0][1], shortClip[1][0],
                    window, wholeWindow[0][0], wholeWindow[0][1], wholeWindow[1][0]);
        }
    }

    /** {total {p50, p99}, prefill {p50, p99}} in ms over {@code calls} screens after 5 warm-up ones. */
    private static double[][] screen(Guard guard, GuardQuery q, int calls) {
        for (int i = 0; i < 5; i++) guard.screen(q);
        double[] total = new double[calls], prefill = new double[calls];
        for (int i = 0; i < calls; i++) {
            Verdict v = guard.screen(q);
            total[i] = v.timings().totalMs();
            prefill[i] = v.timings().prefillMs();
        }
        return new double[][] {GuardStageLatency.p50p99(total), GuardStageLatency.p50p99(prefill)};
    }

    /**
     * {anonymous, file-backed} resident MB: ONNX Runtime maps external data, so the pages it reads from the files count as
     * file-backed (the page cache's, given back under pressure) and the tensors it makes (a folded Cast) as anonymous.
     */
    private static long[] residentMb() throws Exception {
        long anon = -1, file = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssAnon:")) anon = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            if (line.startsWith("RssFile:")) file = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return new long[] {anon, file};
    }
}
