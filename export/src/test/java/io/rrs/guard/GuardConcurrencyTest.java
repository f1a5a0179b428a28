package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.text.Prompts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One guard shared by 8 threads, 200 mixed queries each (audio-text, text-only, audio-only, WAV
 * and PCM at several rates, a few malformed): every verdict equals the sequential run's in each of
 * six rounds, and the floor of resident memory (VmRSS) does not rise by more than allocator noise over the rounds,
 * so no ONNX value leaks (one leaked logits tensor per query would add ~0.8 MB, over 1 GB a round).
 */
class GuardConcurrencyTest {
    static final int THREADS = 8, PER_THREAD = 200, ROUNDS = 6;
    static final long FLOOR_RISE_LIMIT_KB = 256 * 1024;

    static List<GuardQuery> mixedQueries(int n) {
        List<GuardQuery> out = new ArrayList<>();
        String[] texts = {"How do I bake bread?", "Tell me about the weather in spring.", "What is the capital of France?", "Explain photosynthesis briefly."};
        for (int i = 0; i < n; i++) {
            int rate = i % 3 == 0 ? 8000 : 16000;
            float[] audio = GuardTestModel.tone(rate / 2 + (i % 7) * rate / 10, rate, 100 + 10 * (i % 11), i);
            GuardQuery q = switch (i % 5) {
                case 0 -> GuardQuery.wav(GuardTestModel.wav(audio, rate), Prompts.AUDIO_TEXT_INSTRUCTION);
                case 1 -> GuardQuery.text(texts[i % texts.length] + " #" + i);
                case 2 -> GuardQuery.pcm(audio, rate, "");
                case 3 -> i % 15 == 3 ? GuardQuery.wav(new byte[] {1, 2, 3}, "broken") : GuardQuery.pcm(audio, rate, texts[i % texts.length]);
                default -> GuardQuery.wav(GuardTestModel.wav(audio, rate), "");
            };
            out.add(q.withId("q" + i));
        }
        return out;
    }

    /** Decision and probability, or the error: what must not depend on threading. */
    static String outcome(Verdict v) {
        return v.id() + " " + v.decision() + " " + v.refusalProbability() + " " + v.score() + (v.error() == null ? "" : " ERROR " + v.error());
    }

    static long residentKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        throw new IllegalStateException("/proc/self/status has no VmRSS line");
    }

    @Test
    void eightThreadsGiveTheSequentialVerdictsAndMemoryStaysFlat() throws Exception {
        List<GuardQuery> queries = mixedQueries(PER_THREAD);
        GuardTestModel.Exported model = GuardTestModel.shared();
        double median;
        try (Guard probe = Guard.open(model.dir())) { // a threshold at the median gives both decisions
            double[] p = queries.stream().filter(q -> q.wav() == null || q.wav().length > 3).mapToDouble(q -> probe.screen(q).refusalProbability()).sorted().toArray();
            median = p[p.length / 2];
        }
        try (Guard guard = Guard.open(model.dir(), GuardOptions.defaults().withFailClosed(true).withThreshold(median))) {
            String[] sequential = new String[PER_THREAD];
            for (int i = 0; i < PER_THREAD; i++) sequential[i] = outcome(guard.screen(queries.get(i)));
            assertTrue(Arrays.stream(sequential).anyMatch(s -> s.contains(" REFUSE ") && !s.contains(" ERROR ")), "mixed verdicts");
            assertTrue(Arrays.stream(sequential).anyMatch(s -> s.contains(" ALLOW ")), "mixed verdicts");
            assertTrue(Arrays.stream(sequential).anyMatch(s -> s.contains(" ERROR ")), "failures are in the mix");

            ExecutorService pool = Executors.newFixedThreadPool(THREADS); // one pool, as a server keeps its workers
            try {
                // one unmeasured round first: the allocators' arenas grow once per worker thread, which
                // is warm-up, not a leak, and put up to ~90 MB between the first two floors in one run
                round(pool, guard, queries, sequential);
                long[] rss = new long[ROUNDS];
                for (int k = 0; k < ROUNDS; k++) {
                    round(pool, guard, queries, sequential);
                    System.gc();
                    rss[k] = residentKb();
                }
                // allocators (ONNX Runtime's arena, malloc's per-thread arenas) make RSS swing by up to ~190 MB
                // between rounds (a fresh clone's CI saw the floor rise 69 MB with no leak); a leak shows as a rising
                // floor: compare the lowest of the first and last two. 256 MB over 4 rounds of 1600 queries still
                // fails for any leak of >= 41 KB a query (one logits tensor, ~0.8 MB, would add ~5 GB)
                long early = Math.min(rss[0], rss[1]), late = Math.min(rss[ROUNDS - 2], rss[ROUNDS - 1]);
                System.out.printf("VmRSS after each round of %d x %d queries (kB): %s; floor %+d kB over %d queries%n",
                        THREADS, PER_THREAD, Arrays.toString(rss), late - early, (ROUNDS - 2) * THREADS * PER_THREAD);
                assertTrue(late - early < FLOOR_RISE_LIMIT_KB, "resident memory floor rose by " + (late - early) + " kB: " + Arrays.toString(rss));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** 8 threads, each screening all queries in its own order; every outcome must equal the sequential one. */
    private static void round(ExecutorService pool, Guard guard, List<GuardQuery> queries, String[] sequential) throws Exception {
        List<Future<List<String>>> mismatches = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int shift = t * 25;
            mismatches.add(pool.submit(() -> {
                List<String> bad = new ArrayList<>();
                for (int k = 0; k < PER_THREAD; k++) {
                    int i = (k + shift) % PER_THREAD;
                    String got = outcome(guard.screen(queries.get(i)));
                    if (!got.equals(sequential[i])) bad.add(got + " != " + sequential[i]);
                }
                return bad;
            }));
        }
        for (Future<List<String>> f : mismatches) assertEquals(List.of(), f.get());
    }
}
