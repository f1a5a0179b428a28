package io.rrs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.teacher.MiniLmEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The teacher (all-MiniLM-L6-v2 on ONNX Runtime, one intra-op thread): milliseconds per text over the project's
 * 1265 questions (data/rrs/prompts.jsonl), 64 texts an invocation in a window that moves on each time, encoded one
 * at a time ({@code batchSize} 1) or batched by length and padded ({@code batchSize} 32). Tokenising and pooling
 * included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class TeacherEncodeBench {
    static final int TEXTS = 64;

    @Param({"1", "32"})
    public int batchSize;

    private List<String> questions;
    private MiniLmEncoder encoder;
    private int next;

    @Setup
    public void setup() throws IOException {
        Path prompts = Path.of(System.getProperty("rrs.root", ".")).resolve("data/rrs/prompts.jsonl");
        if (!Files.isRegularFile(prompts)) throw new IllegalStateException(prompts.toAbsolutePath() + " not found; run from the repository root or set -Drrs.root");
        ObjectMapper json = new ObjectMapper();
        questions = new ArrayList<>();
        for (String line : Files.readAllLines(prompts)) if (!line.isBlank()) questions.add(json.readTree(line).path("text").asText());
        encoder = MiniLmEncoder.open(1, batchSize);
    }

    @TearDown
    public void tearDown() {
        encoder.close();
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public float[][] encode() {
        List<String> window = new ArrayList<>(TEXTS);
        for (int i = 0; i < TEXTS; i++) window.add(questions.get((next + i) % questions.size()));
        next = (next + TEXTS) % questions.size();
        return encoder.encode(window);
    }
}
