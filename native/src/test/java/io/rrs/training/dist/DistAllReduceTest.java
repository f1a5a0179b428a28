package io.rrs.training.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The proof that the preset's c10d works: two JVMs form a Gloo group over 127.0.0.1 and all-reduce. */
class DistAllReduceTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void twoProcessesSumATensorOverGloo() throws Exception {
        String master = "127.0.0.1:" + DistProcesses.freePort();
        try (DistProcesses procs = new DistProcesses()) {
            Process r0 = procs.start(tmp.resolve("r0.log"), DistAllReduceChild.class.getName(), "2", "0", master);
            Process r1 = procs.start(tmp.resolve("r1.log"), DistAllReduceChild.class.getName(), "2", "1", master);
            assertTrue(r0.waitFor(60, TimeUnit.SECONDS) && r1.waitFor(60, TimeUnit.SECONDS), "ranks did not finish");
            for (int r = 0; r < 2; r++) {
                String log = Files.readString(tmp.resolve("r" + r + ".log"));
                assertEquals(0, (r == 0 ? r0 : r1).exitValue(), log);
                // x_r = i + r + 1; three in-place sums over 2 ranks: after 1: 2i+3, after 2: 4i+6, after 3: 8i+12
                assertTrue(log.contains("RESULT 12.0 8004.0"), log);
            }
        }
    }
}
