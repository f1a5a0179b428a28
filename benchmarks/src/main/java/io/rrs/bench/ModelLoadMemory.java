package io.rrs.bench;

import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

/**
 * Peak resident memory of loading a checkpoint (Linux /proc/self/status): resident set before
 * loading, after loading, and after one forward pass that touches every weight, against the
 * checkpoint's size. A float32 checkpoint is used in place (memory-mapped), so the growth stays
 * near one checkpoint size; copying loaders need two. Run in a fresh JVM:
 *   java -cp ... io.rrs.bench.ModelLoadMemory DIR
 */
public final class ModelLoadMemory {
    private ModelLoadMemory() {}

    public static void main(String[] args) throws IOException {
        Path dir = ModelBenchFixture.ensure(args.length > 0 ? Path.of(args[0]) : ModelBenchFixture.defaultDir());
        long checkpoint = Files.size(dir.resolve("model.safetensors"));
        // load libtorch and warm the allocator first, so the baseline includes the runtime
        try (PointerScope s = new PointerScope()) {
            Tensors.toFloats(Tensors.floats(new float[] {1f}, 1).add(Tensors.scalar(1)));
        }
        long before = status("VmRSS");
        Qwen2AudioModel model = Qwen2AudioModel.load(dir);
        long loaded = status("VmRSS");
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensors.toFloats(model.forward(ModelBenchFixture.query()).logits());
        }
        long afterForward = status("VmRSS"), peak = status("VmHWM");
        System.out.printf("checkpoint %.1f MiB; RSS before load %.1f MiB, after load +%.1f MiB, after forward +%.1f MiB, peak +%.1f MiB (%.2fx checkpoint)%n",
                mib(checkpoint), mib(before), mib(loaded - before), mib(afterForward - before), mib(peak - before), (double) (peak - before) / checkpoint);
    }

    private static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        throw new IOException(key + " not in /proc/self/status (Linux only)");
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
