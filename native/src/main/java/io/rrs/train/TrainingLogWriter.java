package io.rrs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.eval.TrainingLog;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Scope: {@code RUN/train-log.jsonl}, the per-step loss log that {@code rrs eval} plots (format in
 * docs/eval.md, reader {@link TrainingLog}): one line {@code {"step", "epoch", "loss"}} per optimiser
 * step, appended and flushed as the step finishes, {@code epoch} fractional ({@code epoch index +
 * micro-batches done / micro-batches per epoch}).
 *
 * <p>Resume: the log is rewritten from the checkpoint's own loss history ({@code state.json}, which
 * is hash-verified and holds every step up to the checkpoint) before appending, so it is truncated to
 * the checkpoint's step, whatever a killed run had appended after it, and a resumed run's log equals
 * an uninterrupted one's byte for byte. A fresh run starts an empty log (a run killed before its first
 * checkpoint leaves lines that no checkpoint backs).
 */
final class TrainingLogWriter implements Closeable {
    private static final ObjectMapper LINE_JSON = new ObjectMapper(); // one object per line, not indented

    private final BufferedWriter out;
    private final int batchesPerEpoch;

    private TrainingLogWriter(BufferedWriter out, int batchesPerEpoch) {
        this.out = out;
        this.batchesPerEpoch = batchesPerEpoch;
    }

    static Path fileOf(Path runDir) {
        return runDir.resolve(TrainingLog.FILE_NAME);
    }

    /**
     * Writes {@code history} (the steps a checkpoint holds; empty for a fresh run) atomically as the
     * whole log, then opens it for appending. {@code accumulation}: micro-batches per optimiser step,
     * which places each earlier step inside its epoch.
     */
    static TrainingLogWriter start(Path runDir, List<Checkpoint.StepLoss> history, int batchesPerEpoch, int accumulation) throws IOException {
        StringBuilder text = new StringBuilder();
        int epoch = -1, stepInEpoch = 0;
        for (Checkpoint.StepLoss s : history) {
            stepInEpoch = s.epoch() == epoch ? stepInEpoch + 1 : 1;
            epoch = s.epoch();
            // the trainer closes a step after `accumulation` micro-batches, or at the epoch's last one
            int batchesDone = Math.min(stepInEpoch * accumulation, batchesPerEpoch);
            text.append(line(s.step(), epochPosition(s.epoch(), batchesDone, batchesPerEpoch), s.loss()));
        }
        Path file = fileOf(runDir);
        RunFiles.writeAtomically(file, text.toString());
        return new TrainingLogWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND), batchesPerEpoch);
    }

    /** Appends the step that ended after micro-batch {@code batch} (0-based) of {@code epoch}, and flushes. */
    void append(long step, int epoch, int batch, double loss) throws IOException {
        out.write(line(step, epochPosition(epoch, batch + 1, batchesPerEpoch), loss));
        out.flush(); // a reader (or a kill) sees whole steps; a torn last line is skipped by the reader
    }

    static double epochPosition(int epoch, int batchesDone, int batchesPerEpoch) {
        return epoch + (double) batchesDone / batchesPerEpoch;
    }

    private static String line(long step, double epoch, double loss) throws IOException {
        return LINE_JSON.writeValueAsString(LINE_JSON.createObjectNode().put("step", step).put("epoch", epoch).put("loss", loss)) + "\n";
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
