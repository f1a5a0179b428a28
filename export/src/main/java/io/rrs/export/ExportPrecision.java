package io.rrs.export;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Scope: the precision the exported weights are stored in, and the parity bound that goes with it.
 * Every weight is converted to it while it is written (one tensor at a time); the graphs' inputs,
 * outputs, KV cache and arithmetic stay float32, each weight passing through one {@code Cast} to
 * float32 where it is used, because ONNX Runtime's CPU execution provider has no float16 or bfloat16
 * MatMul kernel on x86 (measured: docs/export.md, "Precision").
 */
public enum ExportPrecision {
    /** Weights as float32: the graphs compute exactly what the libtorch model does, up to summation order. */
    FP32(DataType.FLOAT, ScalarType.Float, 1e-4),
    /** IEEE half: 10-bit mantissa, range +-65504; half the bytes. */
    FP16(DataType.FLOAT16, ScalarType.Half, 2e-2),
    /** bfloat16: float32's range, 7-bit mantissa; half the bytes, and no rounding at all for a bf16 checkpoint. */
    BF16(DataType.BFLOAT16, ScalarType.BFloat16, 1e-1);

    private final DataType onnxType;
    private final ScalarType torchType;
    private final double parityBound;

    ExportPrecision(DataType onnxType, ScalarType torchType, double parityBound) {
        this.onnxType = onnxType;
        this.torchType = torchType;
        this.parityBound = parityBound;
    }

    /** The ONNX element type of the stored weights. */
    DataType onnxType() {
        return onnxType;
    }

    /** The libtorch dtype each weight is converted to before its bytes are written. */
    ScalarType torchType() {
        return torchType;
    }

    /** Whether the graphs need a Cast to float32 after each weight. */
    boolean castsWeights() {
        return this != FP32;
    }

    /**
     * The default largest |ONNX Runtime - libtorch| of logits and last hidden states for weights in this
     * precision (the reference is the checkpoint's own weights, so the bound covers their rounding).
     */
    public double parityBound() {
        return parityBound;
    }

    /** The name on the command line and in guard.json: fp32, fp16, bf16. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The precision named {@code label} (case-insensitive); the message lists the valid ones. */
    public static ExportPrecision of(String label) {
        for (ExportPrecision p : values()) if (p.label().equalsIgnoreCase(label)) return p;
        throw new IllegalArgumentException("unknown precision '" + label + "'; use fp32, fp16 or bf16");
    }
}
