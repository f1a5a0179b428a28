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
 * loading, after loading, after reading every weight once, and after one forward pass, against
 * the checkpoint's size. A float32 checkpoint is used in place (memory-mapped), so the growth stays
 * near one checkpoint size; copying loaders need two. Run in a fresh JVM, after the fixture:
 *   java -cp ... io.rrs.bench.ModelBenchFixture DIR memory && java -cp ... io.rrs.bench.ModelLoadMemory DIR
 */
public final class ModelLoadMemory {
    private ModelLoadMemory() {}

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : ModelBenchFixture.defaultDir();
        if (!Files.exists(dir.resolve("model.safetensors")))
            throw new IOException(dir + " has no checkpoint; write it first in another JVM (ModelBenchFixture DIR memory), so that writing does not count here");
        long checkpoint = Files.size(dir.resolve("model.safetensors"));
        // load libtorch and warm the allocator first, so the baseline includes the runtime
        try (PointerScope s = new PointerScope()) {
            Tensors.toFloats(Tensors.floats(new float[] {1f}, 1).add(Tensors.scalar(1)));
        }
        long before = status("VmRSS");
        Qwen2AudioModel model = Qwen2AudioModel.load(dir);
        long loaded = status("VmRSS");
        // read every weight once: mapped pages become resident, as in a first forward pass
        double checksum = 0;
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (var t : model.weights().asMap().values()) checksum += t.sum().item_float();
        }
        long touched = status("VmRSS"), touchedPeak = status("VmHWM");
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensors.toFloats(model.forward(ModelBenchFixture.query()).logits());
        }
        long afterForward = status("VmRSS"), peak = status("VmHWM");
        System.out.printf("checkpoint %.1f MiB; RSS before load %.1f MiB; after load +%.1f MiB; every weight read +%.1f MiB"
                        + " (peak +%.1f MiB = %.2fx checkpoint); after a 3 s forward pass +%.1f MiB (peak +%.1f MiB, activations and allocator caches included) [checksum %.3g]%n",
                mib(checkpoint), mib(before), mib(loaded - before), mib(touched - before), mib(touchedPeak - before),
                (double) (touchedPeak - before) / checkpoint, mib(afterForward - before), mib(peak - before), checksum);
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
