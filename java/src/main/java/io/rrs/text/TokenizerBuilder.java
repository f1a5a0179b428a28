package io.rrs.text;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scope: trains a small byte-level BPE tokenizer laid out like Qwen2's (NFC normalizer, Qwen2's
 * split regex, ByteLevel pre-tokenizer and decoder, BPE model, Qwen special tokens after the BPE
 * vocabulary) and writes it as a Hugging Face {@code tokenizer.json}.
 *
 * <p>Why our own: no model hub is reachable, and the embedded demo model needs a vocabulary of a
 * few thousand ids. The byte alphabet is ordered as GPT-2/Qwen order it, so "I" has id 40 as in
 * Qwen. The output is a pure function of the corpus (byte-identical on every run and platform).
 */
public final class TokenizerBuilder {

    /** Qwen2's pre-tokenizer split pattern (contractions, letter runs, single digits, punctuation, spaces). */
    public static final String QWEN2_SPLIT_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final Pattern SPLIT = Pattern.compile(QWEN2_SPLIT_REGEX, Pattern.UNICODE_CHARACTER_CLASS);

    /** One training text and how many times it counts (fixed prompts count more than single rows). */
    public record WeightedText(String text, int weight) {
        public WeightedText {
            if (text == null) throw new IllegalArgumentException("text must not be null");
            if (weight < 1) throw new IllegalArgumentException("weight must be >= 1, got " + weight + " for: " + text);
        }
    }

    /**
     * Settings: the total number of ids (BPE vocabulary plus the special tokens) and the fewest
     * weighted occurrences a pair needs to be merged.
     */
    public record Settings(int vocabSize, int minPairCount) {
        public Settings {
            int floor = 256 + SpecialTokens.ALL.size();
            if (vocabSize < floor) throw new IllegalArgumentException("vocabSize must be >= " + floor + " (256 bytes + specials), got " + vocabSize);
            if (minPairCount < 1) throw new IllegalArgumentException("minPairCount must be >= 1, got " + minPairCount);
        }

        /** 2048 ids in all: small enough for the tiny demo model, large enough for whole common words. */
        public static Settings defaults() {
            return new Settings(2048, 2);
        }
    }

    private final Settings settings;

    public TokenizerBuilder(Settings settings) {
        this.settings = settings;
    }

    /** GPT-2's byte to printable-character map, in the id order of Qwen's first 256 tokens. */
    static char[] byteToChar() {
        char[] map = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = direct[b] ? (char) b : (char) (256 + next++);
        }
        return map;
    }

    /** The 256 byte tokens in vocabulary order: printable bytes first, then the remapped ones. */
    static List<String> byteAlphabet() {
        char[] map = byteToChar();
        List<String> order = new ArrayList<>();
        for (int b = 0; b < 256; b++) if (map[b] == b) order.add(String.valueOf(map[b]));
        for (int b = 0; b < 256; b++) if (map[b] != b) order.add(String.valueOf(map[b]));
        return order;
    }

    /** Splits a text as Qwen2's pre-tokenizer does and maps each piece to byte-level characters. */
    static List<String> preTokenize(String text) {
        char[] map = byteToChar();
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFC);
        List<String> pieces = new ArrayList<>();
        Matcher m = SPLIT.matcher(normalized);
        while (m.find()) {
            if (m.end() == m.start()) continue;
            byte[] bytes = m.group().getBytes(StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder(bytes.length);
            for (byte b : bytes) sb.append(map[b & 0xFF]);
            pieces.add(sb.toString());
        }
        return pieces;
    }

    /** The trained vocabulary (token -> id, BPE part only) and merges in rank order. */
    public record Trained(LinkedHashMap<String, Integer> vocab, List<String[]> merges) {}

    /** Learns merges greedily: always the most frequent adjacent pair, ties by the pair's text. */
    public Trained train(List<WeightedText> corpus) {
        // Sorted map: the word order, hence every tie-break below, is independent of input order.
        TreeMap<String, Long> wordCounts = new TreeMap<>();
        for (WeightedText t : corpus) {
            for (String piece : preTokenize(t.text())) wordCounts.merge(piece, (long) t.weight(), Long::sum);
        }
        LinkedHashMap<String, Integer> vocab = new LinkedHashMap<>();
        List<String> idToToken = new ArrayList<>();
        for (String s : byteAlphabet()) {
            vocab.put(s, idToToken.size());
            idToToken.add(s);
        }
        List<int[]> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            String w = e.getKey();
            int[] symbols = new int[w.length()];
            for (int i = 0; i < w.length(); i++) symbols[i] = vocab.get(String.valueOf(w.charAt(i)));
            words.add(symbols);
            counts.add(e.getValue());
        }
        int bpeTarget = settings.vocabSize() - SpecialTokens.ALL.size();
        List<String[]> merges = new ArrayList<>();
        while (vocab.size() < bpeTarget) {
            Map<Long, Long> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                long c = counts.get(w);
                for (int i = 0; i + 1 < s.length; i++) pairCounts.merge(((long) s[i] << 32) | s[i + 1], c, Long::sum);
            }
            long bestKey = -1;
            long bestCount = 0;
            String bestText = null;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long c = e.getValue();
                if (c < bestCount) continue;
                String text = idToToken.get((int) (e.getKey() >>> 32)) + " " + idToToken.get((int) (long) e.getKey());
                if (c > bestCount || text.compareTo(bestText) < 0) {
                    bestKey = e.getKey();
                    bestCount = c;
                    bestText = text;
                }
            }
            if (bestKey < 0 || bestCount < settings.minPairCount()) break; // corpus exhausted
            int left = (int) (bestKey >>> 32);
            int right = (int) bestKey;
            String merged = idToToken.get(left) + idToToken.get(right);
            Integer mergedId = vocab.get(merged);
            if (mergedId == null) {
                mergedId = idToToken.size();
                vocab.put(merged, mergedId);
                idToToken.add(merged);
            }
            merges.add(new String[] {idToToken.get(left), idToToken.get(right)});
            for (int w = 0; w < words.size(); w++) words.set(w, applyMerge(words.get(w), left, right, mergedId));
        }
        return new Trained(vocab, merges);
    }

    private static int[] applyMerge(int[] s, int left, int right, int merged) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                if (out == null) {
                    out = new int[s.length - 1];
                    System.arraycopy(s, 0, out, 0, i);
                    n = i;
                }
                out[n++] = merged;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        return out == null ? s : java.util.Arrays.copyOf(out, n);
    }

    /** Trains on the corpus and renders the complete tokenizer.json text. */
    public String buildJson(List<WeightedText> corpus) {
        Trained trained = train(corpus);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        int nextId = trained.vocab().size();
        for (String special : SpecialTokens.ALL) {
            ObjectNode t = added.addObject();
            t.put("id", nextId++);
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putObject("normalizer").put("type", "NFC");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", QWEN2_SPLIT_REGEX);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        ObjectNode byteLevel = steps.addObject();
        byteLevelOptions(byteLevel);
        root.putNull("post_processor");
        byteLevelOptions(root.putObject("decoder"));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        trained.vocab().forEach(vocab::put);
        ArrayNode merges = model.putArray("merges");
        // "a b" form: byte-level symbols never contain a space, so the pair is unambiguous.
        for (String[] m : trained.merges()) merges.add(m[0] + " " + m[1]);
        DefaultIndenter lf = new DefaultIndenter("  ", "\n"); // fixed "\n": identical bytes on every OS
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(lf).withArrayIndenter(lf);
        try {
            return mapper.writer(printer).writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot render tokenizer.json", e);
        }
    }

    private static void byteLevelOptions(ObjectNode node) {
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", false);
        node.put("use_regex", false);
    }

    /**
     * The project's corpus: every prompt text of the dataset once, plus the fixed prompts, answers
     * and template pieces weighted up (the demo model sees them in every example).
     */
    public static List<WeightedText> corpus(List<String> datasetTexts) {
        List<WeightedText> corpus = new ArrayList<>();
        for (String t : datasetTexts) corpus.add(new WeightedText(t, 1));
        for (String t : Prompts.fixedTexts()) corpus.add(new WeightedText(t, FIXED_TEXT_WEIGHT));
        return corpus;
    }

    /**
     * Reads the prompt texts of {@code harmful.json} and {@code benign.json} in {@code dataDir}
     * (every row, in file order: a repeated prompt counts once per row).
     */
    public static List<String> datasetTexts(Path dataDir) throws IOException {
        List<String> texts = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (String name : List.of("harmful.json", "benign.json")) {
            Path file = dataDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IOException("missing " + file + "; run 'rrs data build' (it copies the dataset into data/rrs)");
            }
            for (var row : mapper.readTree(file.toFile())) {
                if (!row.hasNonNull("prompt")) throw new IOException("row without \"prompt\" in " + file + ": " + row);
                texts.add(row.get("prompt").asText());
            }
        }
        return texts;
    }

    /** The project tokenizer: the dataset in {@code dataDir} plus the fixed prompts, default settings. */
    public static void buildProjectTokenizer(Path dataDir, Path out) throws IOException {
        new TokenizerBuilder(Settings.defaults()).write(corpus(datasetTexts(dataDir)), out);
    }

    /** How much a fixed prompt counts relative to one dataset row (enough to make its words whole tokens). */
    public static final int FIXED_TEXT_WEIGHT = 50;

    /** Builds and writes atomically ({@link AtomicFiles}), so a reader never sees half a file. */
    public void write(List<WeightedText> corpus, Path out) throws IOException {
        AtomicFiles.writeString(out, buildJson(corpus));
    }
}
