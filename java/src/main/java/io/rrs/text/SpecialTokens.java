package io.rrs.text;

import java.util.List;

/**
 * Scope: the Qwen2-Audio special tokens that the chat template uses, in the order the project's
 * tokenizer assigns their ids (after the BPE vocabulary, as Qwen does).
 */
public final class SpecialTokens {
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    /** The placeholder that the processor repeats once per pooled audio frame. */
    public static final String AUDIO = "<|AUDIO|>";
    public static final String AUDIO_BOS = "<|audio_bos|>";
    public static final String AUDIO_EOS = "<|audio_eos|>";

    /** Qwen2-Audio's order (151643..151648 in the real vocabulary): endoftext, im_start, im_end, AUDIO, audio_bos, audio_eos. */
    public static final List<String> ALL = List.of(END_OF_TEXT, IM_START, IM_END, AUDIO, AUDIO_BOS, AUDIO_EOS);

    private SpecialTokens() {}
}
