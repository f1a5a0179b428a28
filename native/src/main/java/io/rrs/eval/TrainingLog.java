package io.rrs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: the training log the reshape trainer writes and the loss plot reads
 * ({@value #FILE_NAME} in the run folder, docs/eval.md): JSONL, one line per optimiser step,
 * {@code {"step": 12, "epoch": 0.4, "loss": 0.0123}} with {@code step} a positive integer,
 * {@code epoch} a non-negative number (fractional within an epoch) and {@code loss} a finite
 * number; further fields are allowed and ignored. A torn last line (a run still writing or
 * killed) is skipped; any other bad line fails with its number.
 */
public record TrainingLog(List<Point> points) {
    public static final String FILE_NAME = "train-log.jsonl";
    private static final ObjectMapper MAPPER = new ObjectMapper();

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
}
