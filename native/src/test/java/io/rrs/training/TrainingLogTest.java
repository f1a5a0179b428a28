package io.rrs.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train-log.jsonl as {@link TrainingLog} writes it reads back: a checkpoint's history (placed in its epochs by
 * the micro-batches per step), then appended steps; starting again from a shorter history truncates the log.
 */
class TrainingLogTest {
    @TempDir
    Path run;

    @Test
    void writtenStepsReadBackWithTheirEpochPositions() throws Exception {
        // 3 micro-batches per epoch, 2 per optimiser step: a step ends after micro-batch 2, and one at the epoch's end
        List<Checkpoint.StepLoss> history = List.of(new Checkpoint.StepLoss(0, 1, 0.5), new Checkpoint.StepLoss(0, 2, 0.25));
        try (TrainingLog.Writer w = TrainingLog.start(run, history, 3, 2)) {
            w.append(3, 1, 1, 0.125);
        }
        TrainingLog log = TrainingLog.read(TrainingLog.fileOf(run));
        assertArrayEquals(new long[] {1, 2, 3}, log.points().stream().mapToLong(TrainingLog.Point::step).toArray());
        assertArrayEquals(new double[] {2.0 / 3, 1.0, 1 + 2.0 / 3}, log.points().stream().mapToDouble(TrainingLog.Point::epoch).toArray(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.25, 0.125}, log.points().stream().mapToDouble(TrainingLog.Point::loss).toArray(), 0.0);
        assertEquals("{\"step\":1,\"epoch\":0.6666666666666666,\"loss\":0.5}", Files.readAllLines(TrainingLog.fileOf(run)).get(0));

        try (TrainingLog.Writer w = TrainingLog.start(run, history.subList(0, 1), 3, 2)) {
            assertEquals(1, TrainingLog.read(TrainingLog.fileOf(run)).points().size(), "a resume from step 1 drops the steps after it");
        }
    }
}
