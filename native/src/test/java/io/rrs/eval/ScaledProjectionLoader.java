package io.rrs.eval;

import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test implementation of the {@link AdapterCheckpointLoader} seam (registered in the test
 * resources' META-INF/services): a "checkpoint" folder holding {@value #MARKER} with a number s;
 * the aligned model is the base with every o_proj output scaled by s. It stands in for the
 * trainer's base + LoRA loader, which adapts the same projections through the same hook.
 */
public final class ScaledProjectionLoader implements AdapterCheckpointLoader {
    static final String MARKER = "scaled-o-proj.txt";

    @Override
    public boolean accepts(Path path) {
        return Files.isRegularFile(path.resolve(MARKER));
    }

    @Override
    public Qwen2AudioModel load(Path baseDir, Qwen2AudioModel base, Path checkpoint) throws IOException {
        double scale = Double.parseDouble(Files.readString(checkpoint.resolve(MARKER)).strip());
        base.adaptDecoderProjections((name, linear) -> name.endsWith("o_proj") ? x -> linear.forward(x).mul(Tensors.scalar(scale)) : linear);
        return base;
    }

    @Override
    public String describe(Path checkpoint) {
        return "test scaled o_proj over the base";
    }
}
