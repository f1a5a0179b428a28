package io.rrs.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scope: a Hugging Face {@code tokenizer.json} (Qwen's byte-level BPE, the project's, or the teacher's WordPiece with the chat specials added) behind a small API:
 * encode text as plain text, decode, and id lookup for tokens by their text, with errors that name
 * the file and what it does contain. Encoding runs in the Rust tokenizers library through DJL; the id
 * tables are read from the JSON so lookups never guess.
 *
 * <p>Text is text: {@link #encode} tokenises a special-token string written in the text (say a typed
 * {@code <|im_end|>}) with the BPE model like any other characters, as Hugging Face does with
 * {@code split_special_tokens=True}, so no input can forge a chat turn or an audio placeholder. Special
 * ids enter a prompt only where {@link ChatTemplate} puts them. Two DJL tokenizers are held for this:
 * the file as written (for decoding and {@link #encodeParsingSpecialTokens}), and a copy without its
 * special added tokens (DJL 0.38 has no switch for the library's {@code encode_special_tokens}).
 *
 * <p>Thread-safe: the DJL tokenizers are immutable after construction. Close it to free native memory.
 */
public final class TextTokenizer implements AutoCloseable {
    private final Path path;
    private final HuggingFaceTokenizer asWritten;  // the file as written: recognises special-token strings
    private final HuggingFaceTokenizer plainText;  // the file without its special added tokens
    private final Map<String, Integer> addedTokens;
    private final Map<String, Integer> vocab;
    private final int vocabSize;
    private final String[] textOfId; // id -> token text; null where an id is unused

    private TextTokenizer(Path path, HuggingFaceTokenizer asWritten, HuggingFaceTokenizer plainText,
                          Map<String, Integer> addedTokens, Map<String, Integer> vocab) {
        this.path = path;
        this.asWritten = asWritten;
        this.plainText = plainText;
        this.addedTokens = addedTokens;
        this.vocab = vocab;
        int max = -1;
        for (int id : addedTokens.values()) max = Math.max(max, id);
        for (int id : vocab.values()) max = Math.max(max, id);
        this.vocabSize = max + 1;
        this.textOfId = new String[vocabSize];
        vocab.forEach((text, id) -> textOfId[id] = text);
        addedTokens.forEach((text, id) -> textOfId[id] = text); // an added token wins over a vocab entry of the same id
    }

    /** Opens a tokenizer.json file, or the tokenizer.json inside a directory. */
    public static TextTokenizer open(Path fileOrDir) throws IOException {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("tokenizer.json") : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new IOException("no tokenizer.json at " + file.toAbsolutePath()
                    + "; the project's is data/tokenizer/tokenizer.json (rebuild it with 'rrs data tokenizer')");
        }
        ObjectMapper mapper = new ObjectMapper();
        byte[] json = Files.readAllBytes(file);
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            throw new IOException("tokenizer.json at " + file.toAbsolutePath() + " is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) added.put(t.path("content").asText(), t.path("id").asInt());
        Map<String, Integer> vocab = new LinkedHashMap<>();
        root.path("model").path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        if (vocab.isEmpty()) {
            throw new IOException("tokenizer.json at " + file.toAbsolutePath() + " has no model.vocab; expected a BPE or WordPiece tokenizer (Qwen's, the project's or the knowing recipe's)");
        }
        HuggingFaceTokenizer asWritten = load(file, json);
        HuggingFaceTokenizer plain;
        try {
            plain = load(file, mapper.writeValueAsBytes(withoutSpecialAddedTokens(root)));
        } catch (IOException | RuntimeException e) {
            asWritten.close();
            throw e;
        }
        return new TextTokenizer(file, asWritten, plain, Collections.unmodifiableMap(added), Collections.unmodifiableMap(vocab));
    }

    private static HuggingFaceTokenizer load(Path file, byte[] json) throws IOException {
        // No truncation or padding: the chat template controls lengths, batches pad themselves.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
        } catch (RuntimeException e) {
            throw new IOException("the tokenizers library cannot load " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tokenizer.json with its special added tokens dropped and everything else kept: what the
     * tokenizers library's {@code encode_special_tokens} makes it match (non-special added tokens
     * still split the text). The chat template's control tokens ({@link SpecialTokens#ALL}) are
     * dropped whatever their flag, so a tokenizer that marks one non-special cannot let typed text
     * become it.
     */
    private static JsonNode withoutSpecialAddedTokens(JsonNode root) {
        ObjectNode copy = root.deepCopy();
        ArrayNode kept = copy.arrayNode();
        for (JsonNode t : root.path("added_tokens")) {
            if (!t.path("special").asBoolean(false) && !SpecialTokens.ALL.contains(t.path("content").asText())) kept.add(t);
        }
        copy.set("added_tokens", kept);
        return copy;
    }

    /** The tokenizer.json this was loaded from. */
    public Path path() {
        return path;
    }

    /** One more than the largest id (BPE vocabulary plus added tokens): the embedding table's rows. */
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Token ids of {@code text} as plain text; adds no special token of its own. A special-token
     * string in the text is encoded as the characters it is made of, never as the special id.
     */
    public int[] encode(String text) {
        return ids(plainText.encode(text, false, false));
    }

    /**
     * Token ids of {@code trustedMarkup} with special-token strings in it turned into their special
     * ids, as a Hugging Face tokenizer does by default. Never pass user or data set text: a typed
     * {@code <|im_end|><|im_start|>assistant} would become a forged conversation turn. For checking a
     * rendered template against the Hugging Face reading of it.
     */
    public int[] encodeParsingSpecialTokens(String trustedMarkup) {
        return ids(asWritten.encode(trustedMarkup, false, false));
    }

    private static int[] ids(Encoding enc) {
        long[] ids = enc.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    /** The text of {@code ids}; special tokens are written out unless {@code skipSpecialTokens}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is outside [0, " + vocabSize + ") of " + path);
            }
            longs[i] = ids[i];
        }
        return asWritten.decode(longs, skipSpecialTokens);
    }

    /** Same as {@code decode(ids, false)}. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** The id of a special (added) token such as {@code <|im_start|>}; fails naming the known ones. */
    public int specialTokenId(String token) {
        Integer id = addedTokens.get(token);
        if (id == null) {
            throw new IllegalArgumentException("unknown special token " + token + " in tokenizer.json at " + path
                    + "; known: " + String.join(", ", addedTokens.keySet()));
        }
        return id;
    }

    /** True when {@code token} is one of the file's added tokens. */
    public boolean hasSpecialToken(String token) {
        return addedTokens.containsKey(token);
    }

    /**
     * The id of a token that must be a single vocabulary entry when encoded on its own (e.g. "I");
     * fails when the text needs several tokens.
     */
    public int singleTokenId(String text) {
        if (addedTokens.containsKey(text)) return addedTokens.get(text);
        int[] ids = encode(text);
        if (ids.length != 1) {
            throw new IllegalArgumentException("\"" + text + "\" is " + ids.length + " tokens " + java.util.Arrays.toString(ids)
                    + " in " + path + ", not one; pick a text that is a single vocabulary entry");
        }
        return ids[0];
    }

    /** The refusal token of DESIGN section 3: "I", the first token of "I cannot ..." (40 in Qwen's vocabulary). */
    public int refusalTokenId() {
        return singleTokenId(Prompts.REFUSAL_TOKEN);
    }

    /** The vocabulary entry (byte-level text, e.g. "Ġhow") of an id, or of an added token. */
    public String tokenText(int id) {
        if (id < 0 || id >= vocabSize || textOfId[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in " + path + " (size " + vocabSize + ")");
        }
        return textOfId[id];
    }

    @Override
    public void close() {
        plainText.close();
        asWritten.close();
    }
}
