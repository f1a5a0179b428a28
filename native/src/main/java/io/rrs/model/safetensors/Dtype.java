package io.rrs.model.safetensors;

import java.util.Set;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The safetensors element types this project reads and writes (F32, F16, BF16: what language
 * model checkpoints use). Other names from the format are recognised only to say clearly that
 * they are not supported.
 */
public enum Dtype {
    F32(4, ScalarType.Float),
    F16(2, ScalarType.Half),
    BF16(2, ScalarType.BFloat16);

    /** Names the format defines that we refuse with a precise message rather than "unknown". */
    static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "F64", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL",
            "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64");

    private final int bytes;
    private final ScalarType scalarType;

    Dtype(int bytes, ScalarType scalarType) {
        this.bytes = bytes;
        this.scalarType = scalarType;
    }

    public int bytes() {
        return bytes;
    }

    public ScalarType scalarType() {
        return scalarType;
    }

    /** The safetensors dtype for a libtorch scalar type, or null when it has none here. */
    public static Dtype of(ScalarType type) {
        for (Dtype d : values()) if (d.scalarType == type) return d;
        return null;
    }
}
