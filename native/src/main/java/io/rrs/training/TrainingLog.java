package io.rrs.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: {@code RUN/}{@value #FILE_NAME}, the per-step loss log that the LoRA trainers write and the loss plot
 * reads (docs/eval.md), written and read here only: JSONL, one line per optimiser step,
 * {@code {"step": 12, "epoch": 0.4, "loss": 0.0123}} with {@code step} a positive integer, {@code epoch} a
 * non-negative number (fractional within an epoch: {@code epoch index + micro-batches done / micro-batches per
 * epoch}) and {@code loss} a finite number; a reader ignores further fields. A torn last line (a run still
 * writing or killed) is skipped; any other bad line fails with its number.
 *
 * <p>Writing ({@link #start}): each step's line is appended and flushed as the step finishes. On resume the log
 * is rewritten from the checkpoint's own loss history ({@code state.json}, which is hash-verified and holds
 * every step up to the checkpoint) before appending, so it is truncated to the checkpoint's step, whatever a
 * killed run had appended after it, and a resumed run's log equals an uninterrupted one's byte for byte. A
 * fresh run starts an empty log (a run killed before its first checkpoint leaves lines that no checkpoint backs).
 */
public record TrainingLog(List<Point> points) {
    public static final String FILE_NAME = "train-log.jsonl";
    private static final ObjectMapper MAPPER = new ObjectMapper(); // one object per line, not indented

    /** One logged optimiser step. */
    public record Point(long step, double epoch, double loss) {
        public Point {
            if (step < 1) throw new IllegalArgumentException("step must be >= 1, got " + step);
            if (!(epoch >= 0) || Double.isInfinite(epoch)) throw new IllegalArgumentException("epoch must be a finite number >= 0, got " + epoch);
            if (!Double.isFinite(loss)) throw new IllegalArgumentException("loss must be finite, got " + loss);
        }
    }

    public TrainingLog {
        points = List.copyOf(points);
    }

    public static TrainingLog read(Path file) throws IOException {
        if (!Files.isRegularFile(file))
            throw new IOException("training log " + file.toAbsolutePath() + " does not exist; give the " + FILE_NAME + " of an 'rrs reshape train' run");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            boolean last = i == lines.length - 1; // no newline after it: possibly torn
            try {
                JsonNode n = MAPPER.readTree(line);
                for (String f : new String[] {"step", "epoch", "loss"})
                    if (n == null || !n.path(f).isNumber()) throw new IllegalArgumentException("field \"" + f + "\" is missing or not a number");
                points.add(new Point(n.get("step").asLong(), n.get("epoch").asDouble(), n.get("loss").asDouble()));
            } catch (IOException | IllegalArgumentException e) {
                if (last) continue;
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage() + "; expected {\"step\": N, \"epoch\": E, \"loss\": L}", e);
            }
        }
        if (points.isEmpty()) throw new IOException("training log " + file.toAbsolutePath() + " holds no step; train first, or leave out --train-log");
        return new TrainingLog(points);
    }

    /** The log of the run in {@code runDir}. */
    public static Path fileOf(Path runDir) {
        return runDir.resolve(FILE_NAME);
    }

    /**
     * Writes {@code history} (the steps a checkpoint holds; empty for a fresh run) atomically as the whole log
     * of the run in {@code runDir}, then opens it for appending. {@code accumulation}: micro-batches per
     * optimiser step, which places each earlier step inside its epoch.
     */
    public static Writer start(Path runDir, List<Checkpoint.StepLoss> history, int batchesPerEpoch, int accumulation) throws IOException {
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
        AtomicFiles.writeString(file, text.toString());
        return new Writer(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND), batchesPerEpoch);
    }

    /** An open log that steps are appended to. */
    public static final class Writer implements Closeable {
        private final BufferedWriter out;
        private final int batchesPerEpoch;

        private Writer(BufferedWriter out, int batchesPerEpoch) {
            this.out = out;
            this.batchesPerEpoch = batchesPerEpoch;
        }

        /** Appends the step that ended after micro-batch {@code batch} (0-based) of {@code epoch}, and flushes. */
        public void append(long step, int epoch, int batch, double loss) throws IOException {
            out.write(line(step, epochPosition(epoch, batch + 1, batchesPerEpoch), loss));
            out.flush(); // a reader (or a kill) sees whole steps; a torn last line is skipped by the reader
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static double epochPosition(int epoch, int batchesDone, int batchesPerEpoch) {
        return epoch + (double) batchesDone / batchesPerEpoch;
    }

    private static String line(long step, double epoch, double loss) throws IOException {
        return MAPPER.writeValueAsString(MAPPER.createObjectNode().put("step", step).put("epoch", epoch).put("loss", loss)) + "\n";
    }
}
