package io.rrs.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scope: the Qwen2-Audio-Instruct ChatML template as exact token ids. A prompt renders as
 *
 * <pre>
 * &lt;|im_start|&gt;system\n{system}&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;user\n[Audio 1: &lt;|audio_bos|&gt;&lt;|AUDIO|&gt;...&lt;|audio_eos|&gt;\n]{text}&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;assistant\n
 * </pre>
 *
 * with {@code <|AUDIO|>} repeated once per pooled audio frame (as Qwen2AudioProcessor expands it;
 * {@code io.rrs.query.AudioPositions} counts them), and
 * a text-only user turn written as plain {@code {text}}. Text between special tokens is encoded as one
 * segment of plain text ({@link TextTokenizer#encode}): the special ids are the template's alone, so a
 * {@code <|im_end|>} or {@code <|AUDIO|>} typed into the system or user text stays text and cannot open a
 * turn or an audio position. For texts without such strings the ids are exactly the Hugging Face
 * tokenizer's on the rendered string.
 */
public final class ChatTemplate {
    private final TextTokenizer tokenizer;
    private final int imStart;
    private final int imEnd;
    private final int audioBos;
    private final int audio;
    private final int audioEos;
    private final int padId;

    /** Resolves the template's special tokens now, so a tokenizer lacking one fails here, by name. */
    public ChatTemplate(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.imStart = tokenizer.specialTokenId(SpecialTokens.IM_START);
        this.imEnd = tokenizer.specialTokenId(SpecialTokens.IM_END);
        this.audioBos = tokenizer.specialTokenId(SpecialTokens.AUDIO_BOS);
        this.audio = tokenizer.specialTokenId(SpecialTokens.AUDIO);
        this.audioEos = tokenizer.specialTokenId(SpecialTokens.AUDIO_EOS);
        this.padId = tokenizer.specialTokenId(SpecialTokens.END_OF_TEXT); // Qwen pads with <|endoftext|>
    }

    /** The tokenizer underneath. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The id batches are padded with ({@code <|endoftext|>}, as in Qwen). */
    public int padId() {
        return padId;
    }

    /** The id of {@code <|AUDIO|>}, the positions where projected audio embeddings are spliced in. */
    public int audioTokenId() {
        return audio;
    }

    /** A tokenised prompt: ids, and where the contiguous audio placeholders sit (-1 and 0 without audio). */
    public record Encoded(int[] ids, int audioStart, int audioLength, InputCondition condition) {
        public Encoded {
            if (ids == null || ids.length == 0) throw new IllegalArgumentException("ids must not be empty");
            if (audioLength < 0 || (audioLength == 0) != (audioStart == -1)) {
                throw new IllegalArgumentException("inconsistent audio span: start " + audioStart + ", length " + audioLength);
            }
            if (audioStart >= 0 && audioStart + audioLength > ids.length) {
                throw new IllegalArgumentException("audio span " + audioStart + "+" + audioLength + " exceeds " + ids.length + " ids");
            }
        }

        /** Number of ids. */
        public int length() {
            return ids.length;
        }
    }

    /** One piece of the rendered prompt: a run of special ids, or text encoded as one plain-text segment. */
    private record Piece(String text, int[] specialIds) {}

    private List<Piece> pieces(ChatPrompt prompt) {
        List<Piece> p = new ArrayList<>();
        p.add(special(imStart));
        p.add(text("system\n" + prompt.system()));
        p.add(special(imEnd));
        p.add(text("\n"));
        p.add(special(imStart));
        if (prompt.condition().hasAudio()) {
            p.add(text("user\nAudio 1: "));
            p.add(special(audioBos));
            int[] placeholders = new int[prompt.audioPositions()];
            Arrays.fill(placeholders, audio);
            p.add(new Piece(null, placeholders));
            p.add(special(audioEos));
            p.add(text("\n" + prompt.text()));
        } else {
            p.add(text("user\n" + prompt.text()));
        }
        p.add(special(imEnd));
        p.add(text("\n"));
        p.add(special(imStart));
        p.add(text("assistant\n"));
        return p;
    }

    private static Piece special(int id) {
        return new Piece(null, new int[] {id});
    }

    private static Piece text(String s) {
        return new Piece(s, null);
    }

    /** The exact ids of the prompt, ending with the assistant prefix (the model answers next). */
    public Encoded encode(ChatPrompt prompt) {
        List<Integer> ids = new ArrayList<>();
        int audioStart = -1;
        for (Piece piece : pieces(prompt)) {
            if (piece.text() != null) {
                for (int id : tokenizer.encode(piece.text())) ids.add(id);
            } else {
                if (piece.specialIds().length > 0 && piece.specialIds()[0] == audio && audioStart < 0) audioStart = ids.size();
                for (int id : piece.specialIds()) ids.add(id);
            }
        }
        int[] out = ids.stream().mapToInt(Integer::intValue).toArray();
        return new Encoded(out, audioStart, prompt.audioPositions(), prompt.condition());
    }

    /**
     * The prompt as the text the Hugging Face template would render (audio placeholders expanded). A
     * special-token string inside the prompt's texts reads the same here as the template's own, which
     * {@link #encode} keeps apart; only the ids say which is which.
     */
    public String render(ChatPrompt prompt) {
        StringBuilder sb = new StringBuilder();
        for (Piece piece : pieces(prompt)) {
            if (piece.text() != null) {
                sb.append(piece.text());
            } else {
                for (int id : piece.specialIds()) sb.append(tokenizer.tokenText(id));
            }
        }
        return sb.toString();
    }

    /** The ids of an assistant answer, closed with {@code <|im_end|>} (what a model is trained to emit). */
    public int[] encodeAnswer(String answer) {
        int[] text = tokenizer.encode(answer);
        int[] out = Arrays.copyOf(text, text.length + 1);
        out[text.length] = imEnd;
        return out;
    }
}
