package io.rrs.model;

import java.util.Locale;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Where a model runs and in which floating-point type it computes: the {@code --device} and
 * {@code --dtype} of every command that runs a model. Weights keep their stored type (a bf16
 * checkpoint stays bf16, memory-mapped on the CPU); activations are in {@link #dtype()}, and a
 * weight of another type is converted where it is used ({@link Linear}). LoRA factors, optimiser
 * state, losses and every representation handed out of the model are float32 whatever the compute
 * type, so that training state and the method's targets do not depend on it.
 *
 * @param device "cpu", "cuda" or "cuda:N" as libtorch spells it
 * @param dtype Float, BFloat16 or Half
 */
public record Compute(String device, ScalarType dtype) {
    /** The default: float32 on the CPU (the demo model and every test). */
    public static final Compute CPU = new Compute("cpu", ScalarType.Float);

    public Compute {
        device = device.toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.matches("cuda(:\\d+)?"))
            throw new IllegalArgumentException("device '" + device + "' is not one of cpu, cuda, cuda:N");
        dtype = dtype.intern();
        if (dtype != ScalarType.Float && dtype != ScalarType.BFloat16 && dtype != ScalarType.Half)
            throw new IllegalArgumentException("compute dtype " + dtype + " is not one of float32, bfloat16, float16");
    }

    /**
     * Parses the command-line spelling: {@code --device cpu|cuda|cuda:N} and {@code --dtype
     * float32|bfloat16|float16} (also fp32, bf16, fp16). A CUDA device is refused here, naming the
     * reason, when this process's libtorch cannot reach it.
     */
    public static Compute parse(String device, String dtype) {
        Compute c = new Compute(device == null ? "cpu" : device, parseDtype(dtype == null ? "float32" : dtype));
        if (c.isCuda()) {
            if (!torch.cuda_is_available())
                throw new IllegalArgumentException("--device " + c.device + ": this libtorch sees no CUDA device (a CPU build, or no driver/GPU); "
                        + "build with -Pgpu on a machine with a CUDA GPU, or use --device cpu");
            int index = c.device.contains(":") ? Integer.parseInt(c.device.substring(5)) : 0;
            long count = torch.cuda_device_count();
            if (index >= count) throw new IllegalArgumentException("--device " + c.device + ": this machine has " + count + " CUDA device(s)");
        }
        return c;
    }

    public static ScalarType parseDtype(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "float32", "fp32", "float" -> ScalarType.Float;
            case "bfloat16", "bf16" -> ScalarType.BFloat16;
            case "float16", "fp16", "half" -> ScalarType.Half;
            default -> throw new IllegalArgumentException("dtype '" + name + "' is not one of float32, bfloat16, float16");
        };
    }

    /** The command-line spelling of a dtype: float32, bfloat16 or float16. */
    public static String dtypeName(ScalarType t) {
        return switch (t.intern()) {
            case Float -> "float32";
            case BFloat16 -> "bfloat16";
            case Half -> "float16";
            default -> t.toString();
        };
    }

    public boolean isCuda() {
        return device.startsWith("cuda");
    }

    public Device torchDevice() {
        return new Device(device);
    }

    /** Options for new floating-point tensors in the compute type on the device. */
    public TensorOptions floats() {
        return new TensorOptions(dtype).device(new org.bytedeco.pytorch.DeviceOptional(torchDevice()));
    }

    /** Options for new int64 tensors on the device. */
    public TensorOptions longs() {
        return new TensorOptions(ScalarType.Long).device(new org.bytedeco.pytorch.DeviceOptional(torchDevice()));
    }

    /** {@code t} on the device, same type (no copy when it is there already). */
    public Tensor place(Tensor t) {
        return isCuda() ? t.to(torchDevice(), t.scalar_type().intern()) : t;
    }

    /** A floating-point {@code t} on the device in the compute type (no copy when it already is). */
    public Tensor activations(Tensor t) {
        return place(t.scalar_type().intern() == dtype ? t : t.to(dtype));
    }

    @Override
    public String toString() {
        return device + "/" + dtypeName(dtype);
    }
}
