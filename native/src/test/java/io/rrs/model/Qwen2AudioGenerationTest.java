package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Greedy generation: the KV cache changes nothing, stop tokens and the token limit end samples. */
class Qwen2AudioGenerationTest {
    @TempDir
    static Path tmp;
    static Qwen2AudioModel model;
    static ModelInput batch;

    @BeforeAll
    static void setUp() throws Exception {
        model = Qwen2AudioModel.load(TinyModels.write(tmp.resolve("model"), 99L));
        Random rnd = new Random(3);
        long[] frames = {48, 0, 33};
        batch = Qwen2AudioParityTest.audioBatch(rnd, frames, 48, new int[] {2, 11, 4}, new int[] {3, 0, 1});
    }

    @Test
    void cachedGenerationEqualsRecomputedGenerationTokenForToken() {
        GenerationOptions options = new GenerationOptions(12, Set.of());
        List<Generated> cached = model.generate(batch, options, true);
        List<Generated> recomputed = model.generate(batch, options, false);
        for (int b = 0; b < cached.size(); b++) {
            assertEquals(12, cached.get(b).tokens().length, "sample " + b + " ran to the token limit");
            assertArrayEquals(recomputed.get(b).tokens(), cached.get(b).tokens(), "sample " + b);
            assertFalse(cached.get(b).stopped());
        }
        // random weights still make the samples differ: the comparison is not between constants
        assertFalse(Arrays.equals(cached.get(0).tokens(), cached.get(1).tokens()) && Arrays.equals(cached.get(1).tokens(), cached.get(2).tokens()),
                "all samples generated the same tokens");
    }

    @Test
    void aStopTokenEndsItsSampleAndIsNotReturned() {
        List<Generated> free = model.generate(batch, new GenerationOptions(10, Set.of()), true);
        long[] first = free.get(0).tokens();
        // stop on the token sample 0 produces at step 4 (first occurrence)
        long stop = first[4];
        int cut = 0;
        while (first[cut] != stop) cut++;
        List<Generated> stopped = model.generate(batch, new GenerationOptions(10, Set.of(stop)), true);
        assertTrue(stopped.get(0).stopped());
        assertArrayEquals(Arrays.copyOf(first, cut), stopped.get(0).tokens());
        for (int b = 1; b < free.size(); b++) {
            long[] f = free.get(b).tokens();
            int c = 0;
            while (c < f.length && f[c] != stop) c++;
            assertArrayEquals(Arrays.copyOf(f, c), stopped.get(b).tokens(), "sample " + b);
            assertEquals(c < f.length, stopped.get(b).stopped(), "sample " + b);
        }
        List<Generated> recomputed = model.generate(batch, new GenerationOptions(10, Set.of(stop)), false);
        for (int b = 0; b < free.size(); b++) assertArrayEquals(stopped.get(b).tokens(), recomputed.get(b).tokens());
    }
}
