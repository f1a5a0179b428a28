package io.rrs.query;

/**
 * Scope: the audio tower's output-length rule, the one place that turns log-mel frames into
 * {@code <|AUDIO|>} positions (Qwen2-Audio's {@code _get_feat_extract_output_lengths}): conv2's
 * stride halves the frames, then average pooling (2, 2) halves them again; 3000 frames (30 s) give
 * 750. The trainer's libtorch encoder, the exported ONNX encoder (which computes the same lengths
 * in-graph) and every prompt take their counts from here.
 */
public final class AudioPositions {
    /** The fewest valid frames that give one pooled position (30 ms of audio at Whisper's 10 ms hop). */
    public static final int MIN_FRAMES = 3;

    /**
     * Frames kept past a clip's valid ones when a batch is cut short of the window: the
     * convolutions of valid positions read at most 3 frames past the clip (conv1 k3, then conv2 k3
     * stride 2), so any margin from 3 on gives valid outputs equal to the whole window's; 8 leaves
     * room. Frames beyond the margin hold the window's digital-silence features, which are one value.
     */
    public static final int TRIM_MARGIN_FRAMES = 8;

    private AudioPositions() {}

    /** Frames after conv2 (kernel 3, stride 2, padding 1). */
    public static long convFrames(long melFrames) {
        return Math.floorDiv(melFrames - 1, 2) + 1;
    }

    /** Pooled audio positions ({@code <|AUDIO|>} tokens) for {@code melFrames} valid log-mel frames. */
    public static int of(int melFrames) {
        if (melFrames < MIN_FRAMES)
            throw new IllegalArgumentException("audio of " + melFrames + " mel frames is too short: at least " + MIN_FRAMES
                    + " give one pooled position");
        return Math.toIntExact(pooled(melFrames));
    }

    /** Pooled positions for any frame count (the encoder applies it to padded batches too, where 0 frames give 0). */
    public static long pooled(long melFrames) {
        return Math.floorDiv(convFrames(melFrames) - 2, 2) + 1;
    }
}
