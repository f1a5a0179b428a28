package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.text.InputCondition;
import io.rrs.training.Checkpoint;
import io.rrs.training.Progress;
import io.rrs.training.TrainingFixtures;
import io.rrs.training.TrainingLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RUN/train-log.jsonl}: one line per optimiser step in the format {@code rrs eval} reads, with
 * the loss the checkpoint records and the step's place in its epoch; after a kill and a resume it holds
 * every step exactly once (byte for byte the uninterrupted run's log); a fresh run drops lines a run
 * killed before its first checkpoint left behind.
 */
class TrainingLogWriterTest {
    @TempDir
    static Path tmp;
    static Path model, prepared;

    @BeforeAll
    static void preparedRun() throws IOException {
        model = TrainingFixtures.model(tmp.resolve("model"), 43);
        prepared = tmp.resolve("prepared");
        ReshapePrepare.run(new PrepareConfig(model, TrainingFixtures.dataset(tmp.resolve("data"), 3), prepared, InputCondition.AUDIO_TEXT,
                FeatureMask.positive(), 0, 4, 1, RrsObjective.Path.FUSED), Progress.none());
    }

    private static Path copyOfPrepared(String name) throws IOException {
        Path run = tmp.resolve(name);
        AlignedRunEvalTest.copyTree(prepared.resolve(PreparedRun.DIR), run.resolve(PreparedRun.DIR));
        return run;
    }

    @Test
    void oneLinePerStepWithTheCheckpointsLossesAndFractionalEpochs() throws Exception {
        Path run = copyOfPrepared("straight");
        ReshapeTrainer.train(AlignedRunEvalTest.config(run), null, Progress.none(), (s, l) -> {});
        List<TrainingLog.Point> points = TrainingLog.read(run.resolve(TrainingLog.FILE_NAME)).points();
        List<Checkpoint.StepLoss> losses = Checkpoint.load(Checkpoint.latest(run)).state().losses();
        assertEquals(4, points.size(), "2 epochs x 2 optimiser steps");
        assertArrayEquals(new long[] {1, 2, 3, 4}, points.stream().mapToLong(TrainingLog.Point::step).toArray());
        // 3 micro-batches per epoch, 2 per step: steps end after micro-batch 2 and 3 of each epoch
        assertArrayEquals(new double[] {2.0 / 3, 1.0, 1 + 2.0 / 3, 2.0}, points.stream().mapToDouble(TrainingLog.Point::epoch).toArray(), 1e-12);
        for (int i = 0; i < 4; i++) assertEquals(losses.get(i).loss(), points.get(i).loss(), 0.0, "step " + (i + 1));
    }

    @Test
    void aResumedRunLogsEveryStepOnceLikeAnUninterruptedOne() throws Exception {
        Path straight = copyOfPrepared("uninterrupted");
        ReshapeTrainer.train(AlignedRunEvalTest.config(straight), null, Progress.none(), (s, l) -> {});

        Path killed = copyOfPrepared("killed");
        // lines from an earlier attempt killed before its first checkpoint: nothing backs them
        Files.writeString(killed.resolve(TrainingLog.FILE_NAME), "{\"step\": 1, \"epoch\": 0.5, \"loss\": 9.0}\n{\"step\": 2, \"epo");
        // killed after step 3 was logged; the last checkpoint is the epoch-1 one (step 2)
        assertThrows(ReshapeTrainTest.SimulatedKill.class, () -> ReshapeTrainer.train(AlignedRunEvalTest.config(killed), null, Progress.none(),
                (s, l) -> {
                    if (s == 3) throw new ReshapeTrainTest.SimulatedKill();
                }));
        assertEquals(3, TrainingLog.read(killed.resolve(TrainingLog.FILE_NAME)).points().size(), "the stale lines were dropped at the start");
        assertEquals("step-00000002", Checkpoint.latest(killed).getFileName().toString());

        ReshapeTrainer.train(AlignedRunEvalTest.config(killed), Checkpoint.latest(killed), Progress.none(), (s, l) -> {});
        assertEquals(Files.readString(straight.resolve(TrainingLog.FILE_NAME)), Files.readString(killed.resolve(TrainingLog.FILE_NAME)),
                "step 3 logged before the kill is not duplicated, and nothing is missing");
    }
}
