package io.rrs.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.text.Prompts;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scope: a bounded load for the example service: N requests from C client threads (each waits for
 * its answer before sending the next), alternating the dataset's utterances as WAV + the paper's
 * audio-text instruction and their texts alone; prints throughput and client-side latency
 * percentiles, and the guard's own time from the verdicts. Exit code 1 when any request failed.
 */
@Command(name = "guard-http-load", mixinStandardHelpOptions = true,
        description = "Send N screening requests from C client threads to a running guard-http service; print req/s, p50, p99.")
public final class LoadClient implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/screen", description = "the service's /screen (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--data", defaultValue = "data/demo", description = "dataset folder with manifest.jsonl and its WAVs (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "which split's utterances to send (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--requests", defaultValue = "400", description = "measured requests (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--clients", defaultValue = "4", description = "client threads, i.e. requests in flight (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--warmup", defaultValue = "40", description = "unmeasured requests first (default: ${DEFAULT-VALUE})")
    int warmup;

    /** One request body with its content type and query string; {@code kind} is audio-text or text-only. */
    record Query(String label, String kind, String contentType, String rawQuery, byte[] body) {}

    /** What one request gave: client-side latency, the verdict's decision and totalMs, or the failure. */
    record Outcome(String kind, long latencyNs, String decision, double guardMs, String failure) {}

    private final ObjectMapper json = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadClient()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || clients < 1 || warmup < 0) {
            System.err.println("guard-http-load: --requests and --clients must be 1 or more, --warmup 0 or more");
            return 2;
        }
        List<Query> queries = queries(data, split);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            run(pool, http, queries, warmup);
            long start = System.nanoTime();
            List<Outcome> outcomes = run(pool, http, queries, requests);
            double wallS = (System.nanoTime() - start) / 1e9;
            return report(outcomes, queries, wallS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Query k of the run is {@code queries[k % size]}; the C clients take the next k until {@code n} are sent. */
    private List<Outcome> run(ExecutorService pool, HttpClient http, List<Query> queries, int n) throws Exception {
        Outcome[] out = new Outcome[n];
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> clientsDone = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            clientsDone.add(pool.submit(() -> {
                for (int k = next.getAndIncrement(); k < n; k = next.getAndIncrement()) out[k] = send(http, queries.get(k % queries.size()));
                return null;
            }));
        }
        for (Future<?> f : clientsDone) f.get(30, TimeUnit.MINUTES);
        return Arrays.asList(out);
    }

    private Outcome send(HttpClient http, Query q) {
        URI uri = q.rawQuery().isEmpty() ? url : URI.create(url + "?" + q.rawQuery());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", q.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(q.body())).build();
        long t = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            long latency = System.nanoTime() - t;
            if (r.statusCode() != 200) return new Outcome(q.kind(), latency, null, Double.NaN, q.label() + ": HTTP " + r.statusCode() + " " + r.body());
            JsonNode v = json.readTree(r.body());
            String error = v.path("error").isTextual() ? q.label() + ": " + v.get("error").asText() : null;
            return new Outcome(q.kind(), latency, v.path("decision").asText(), v.path("timings").path("totalMs").asDouble(), error);
        } catch (Exception e) {
            return new Outcome(q.kind(), System.nanoTime() - t, null, Double.NaN, q.label() + ": " + e);
        }
    }

    private int report(List<Outcome> outcomes, List<Query> queries, double wallS) {
        long refused = outcomes.stream().filter(o -> "REFUSE".equals(o.decision())).count();
        long allowed = outcomes.stream().filter(o -> "ALLOW".equals(o.decision())).count();
        List<String> failures = outcomes.stream().map(Outcome::failure).filter(f -> f != null).toList();
        System.out.printf(Locale.ROOT, "%d requests (%d distinct: WAV + instruction and text only, alternating) from %d clients to %s in %.2f s: %.1f req/s%n",
                outcomes.size(), queries.size(), clients, url, wallS, outcomes.size() / wallS);
        System.out.println("latency ms: client = send to full response; guard = the verdict's timings.totalMs");
        printLatency("all", outcomes);
        for (String kind : new String[] {"audio-text", "text-only"})
            printLatency(kind, outcomes.stream().filter(o -> o.kind().equals(kind)).toList());
        System.out.printf(Locale.ROOT, "verdicts: %d REFUSE, %d ALLOW; failures: %d%n", refused, allowed, failures.size());
        failures.stream().limit(5).forEach(f -> System.out.println("  failure: " + f));
        return failures.isEmpty() ? 0 : 1;
    }

    private static void printLatency(String label, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) return;
        long[] client = outcomes.stream().mapToLong(Outcome::latencyNs).sorted().toArray();
        double[] guard = outcomes.stream().mapToDouble(Outcome::guardMs).filter(d -> !Double.isNaN(d)).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %-10s n %5d  client p50 %6.1f  p99 %6.1f  max %6.1f", label, client.length,
                percentile(client, 0.50) / 1e6, percentile(client, 0.99) / 1e6, client[client.length - 1] / 1e6);
        if (guard.length > 0) System.out.printf(Locale.ROOT, "  | guard p50 %6.1f  p99 %6.1f", percentile(guard, 0.50), percentile(guard, 0.99));
        System.out.println();
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static double percentile(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Per row of the split, in manifest order: its WAV with the audio-text instruction (when it has one), then its text alone. */
    List<Query> queries(Path dir, String wantedSplit) throws Exception {
        Path manifest = dir.resolve("manifest.jsonl");
        if (!Files.isRegularFile(manifest)) throw new IllegalArgumentException(manifest + " not found; --data takes a dataset folder such as data/demo");
        String instruction = "text=" + URLEncoder.encode(Prompts.AUDIO_TEXT_INSTRUCTION, StandardCharsets.UTF_8);
        List<Query> out = new ArrayList<>();
        for (String line : Files.readAllLines(manifest)) {
            if (line.isBlank()) continue;
            JsonNode row = json.readTree(line);
            if (!wantedSplit.equals(row.path("split").asText())) continue;
            String id = row.path("id").asText();
            if (!row.path("wav").asText("").isEmpty()) // a written row (a question without audio) has only its text
                out.add(new Query(id + " audio-text", "audio-text", "audio/wav", instruction, Files.readAllBytes(dir.resolve(row.path("wav").asText()))));
            out.add(new Query(id + " text-only", "text-only", "text/plain; charset=utf-8", "", row.path("text").asText().getBytes(StandardCharsets.UTF_8)));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(manifest + " has no utterance in split '" + wantedSplit + "'; use --split train or test");
        return out;
    }
}
