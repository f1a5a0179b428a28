package io.rrs.model;

import io.rrs.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * Seeded random weights in the Qwen2-Audio layout, for a model trained from scratch and for
 * tests and benchmarks that need a checkpoint of a given shape. Scales keep activations of order
 * one (fan-in scaled projections, unit embeddings, norms near one), unlike an all-zero start. The
 * audio tower's positions are not random: they are Whisper's sinusoids ({@link WhisperSinusoids}).
 */
public final class RandomInit {
    private RandomInit() {}

    public static Map<String, Tensor> weights(Qwen2AudioConfig config, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Qwen2AudioLayout.expected(config).forEach((name, shape) -> {
            long count = 1;
            for (long d : shape) count *= d;
            if (count > Integer.MAX_VALUE) throw new IllegalArgumentException(name + " is too large for random init in Java arrays");
            float[] v = new float[(int) count];
            boolean norm = name.contains("norm") && name.endsWith(".weight");
            long fanIn = shape.length == 3 ? shape[1] * shape[2] : shape[shape.length - 1];
            double std = name.endsWith(".bias") || norm ? 0.1 : name.contains("embed") ? 1.0 : 1.0 / Math.sqrt(fanIn);
            double mean = norm ? 1.0 : 0.0;
            for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * rnd.nextGaussian());
            out.put(name, Tensors.floats(v, shape));
        });
        // drawn above like every tensor, so the others keep the values a seed gave them
        out.put(Qwen2AudioLayout.AUDIO_POSITIONS, Tensors.floats(WhisperSinusoids.table(config.audio().maxSourcePositions(), config.audio().dModel()),
                new long[] {config.audio().maxSourcePositions(), config.audio().dModel()}));
        return out;
    }

    /** Writes {@code config.json} (as given) and a float32 {@code model.safetensors} into {@code dir}. */
    public static Path write(Path dir, String configJson, long seed) throws IOException {
        Files.createDirectories(dir);
        Qwen2AudioConfig config = Qwen2AudioConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(configJson));
        Files.writeString(dir.resolve("config.json"), configJson);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), weights(config, seed));
        return dir;
    }
}
