package io.rrs.pretrain;

import java.text.Normalizer;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: the spelling aid of the hearing stage (docs/pretrain.md, {@code --recipe knowing-hearing}): a second CTC on the
 * same projected audio frames as {@link TranscriptionLoss}, over characters through a linear head {@code spelling_head}
 * [{@value #PER_FRAME} x {@value #SYMBOLS}, hidden] that is kept in the training state only (like the distillation head).
 * Each 40 ms frame spells {@value #PER_FRAME} symbols' worth of slots (its logits cut into {@value #PER_FRAME} consecutive
 * 20 ms slots): at one slot a frame, 3 % of the corpus's clips are shorter than their spelling needs, and a tenth have
 * under 1.13 frames a symbol, too few for the blanks CTC needs between letters. Why: word-piece CTC
 * against a 30k-row table gives each rare piece a handful of examples, and a small tower learns only the commonest ones
 * ("the", ","); characters are few and each is heard thousands of times, so the frames learn the sounds that the word
 * pieces are made of. Symbols: blank 0, a-z 1-26, 0-9 27-36, apostrophe 37, word break 38; letters are lower-cased and
 * stripped of accents, other characters end a word or are dropped.
 */
final class Spelling {
    static final int SYMBOLS = 39;
    static final int PER_FRAME = 2;
    static final long BLANK = 0;
    private static final int FIRST_LETTER = 1, FIRST_DIGIT = 27, APOSTROPHE = 37, SPACE = 38;
    static final String HEAD_WEIGHT = TrainingHead.SPELL.weight();
    static final String HEAD_BIAS = TrainingHead.SPELL.bias();
    /** How the settings record the symbols. */
    static final String DESCRIPTION = "ctc over blank, a-z, 0-9, apostrophe, word break; lower-cased, accents stripped; head on the projected frames";

    private Spelling() {}

    /** The symbols of {@code text}: letters and digits, apostrophes inside words, one word break between words. */
    static int[] symbols(String text) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(java.util.Locale.ROOT);
        int[] out = new int[plain.length()];
        int n = 0;
        boolean pendingBreak = false;
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            int symbol = c >= 'a' && c <= 'z' ? FIRST_LETTER + c - 'a' : c >= '0' && c <= '9' ? FIRST_DIGIT + c - '0'
                    : (c == '\'' || c == '\u2019') ? APOSTROPHE : -1;
            boolean insideWord = n > 0 && !pendingBreak && i + 1 < plain.length() && Character.isLetterOrDigit(plain.charAt(i + 1));
            if (symbol == APOSTROPHE && !insideWord) symbol = -1; // a quote mark, not part of a word
            if (symbol < 0) {
                if (Character.isWhitespace(c) || c == '-' || c == '/') pendingBreak = n > 0;
                continue;
            }
            if (pendingBreak) out[n++] = SPACE;
            pendingBreak = false;
            out[n++] = symbol;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The characters of {@code symbols} (what the head spells, no blank): the inverse of {@link #symbols}, a word break
     * written as a space; {@code text(symbols(t))} is {@code t} lower-cased, without accents and punctuation.
     */
    static String text(int[] symbols) {
        StringBuilder out = new StringBuilder(symbols.length);
        for (int s : symbols) {
            if (s >= FIRST_LETTER && s < FIRST_LETTER + 26) out.append((char) ('a' + s - FIRST_LETTER));
            else if (s >= FIRST_DIGIT && s < FIRST_DIGIT + 10) out.append((char) ('0' + s - FIRST_DIGIT));
            else if (s == APOSTROPHE) out.append('\'');
            else if (s == SPACE) out.append(' ');
            else throw new IllegalArgumentException("symbol " + s + " is no character (blank " + BLANK + ", symbols 1-" + (SYMBOLS - 1) + ")");
        }
        return out.toString();
    }

    /** Adds the seeded head [PER_FRAME x SYMBOLS, hidden] and its zero bias when absent (a stage that starts from a model folder). */
    static void initialise(Map<String, Tensor> parameters, int hidden, long seed) {
        TrainingHead.SPELL.addIfAbsent(parameters, hidden, seed);
    }

    /** The characters' CTC on {@code frames} [sum of pooled lengths, hidden] (clips in order, {@code lengths} each), mean over clips of loss / symbols. */
    static Tensor loss(Map<String, Tensor> parameters, Tensor frames, long[] lengths, List<String> texts) {
        Tensor logProbs = torch.log_softmax(slotLogits(parameters, frames), 1);
        List<int[]> targets = texts.stream().map(t -> {
            int[] s = symbols(t);
            if (s.length == 0) throw new IllegalArgumentException("'" + t + "' has no letter or digit to spell");
            return s;
        }).toList();
        return TranscriptionLoss.ctc(logProbs, slots(lengths), targets, BLANK);
    }

    /** What the head spells on each clip's frames (as {@link #loss} takes them): greedy CTC over its slots ({@link TranscriptionLoss#greedy(Tensor, long[], long)}). */
    static List<int[]> greedy(Map<String, Tensor> parameters, Tensor frames, long[] lengths) {
        return TranscriptionLoss.greedy(slotLogits(parameters, frames), slots(lengths), BLANK);
    }

    /** The head's logits on {@code frames} [N, hidden] as slots [N * PER_FRAME, SYMBOLS]: frame f's slots are rows PER_FRAME*f + k. */
    private static Tensor slotLogits(Map<String, Tensor> parameters, Tensor frames) {
        return TrainingHead.SPELL.apply(parameters, frames).reshape(frames.size(0) * PER_FRAME, SYMBOLS);
    }

    /** Each clip's slot count: {@value #PER_FRAME} per frame. */
    private static long[] slots(long[] lengths) {
        long[] slots = new long[lengths.length];
        for (int b = 0; b < slots.length; b++) slots[b] = lengths[b] * PER_FRAME;
        return slots;
    }
}
