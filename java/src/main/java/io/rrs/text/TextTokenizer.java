package io.rrs.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scope: a Hugging Face {@code tokenizer.json} (Qwen's or the project's) behind a small API:
 * encode without adding any special tokens, decode, and id lookup for tokens by their text, with
 * errors that name the file and what it does contain. Encoding runs in the Rust tokenizers library
 * through DJL; the id tables are read from the JSON so lookups never guess.
 *
 * <p>Thread-safe: the DJL tokenizer is immutable after construction. Close it to free native memory.
 */
public final class TextTokenizer implements AutoCloseable {
    private final Path path;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens;
    private final Map<String, Integer> vocab;
    private final int vocabSize;
    private final String[] textOfId; // id -> token text; null where an id is unused

    private TextTokenizer(Path path, HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens, Map<String, Integer> vocab) {
        this.path = path;
        this.tokenizer = tokenizer;
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
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("tokenizer.json at " + file.toAbsolutePath() + " is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) added.put(t.path("content").asText(), t.path("id").asInt());
        Map<String, Integer> vocab = new LinkedHashMap<>();
        root.path("model").path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        if (vocab.isEmpty()) {
            throw new IOException("tokenizer.json at " + file.toAbsolutePath() + " has no model.vocab; expected a BPE tokenizer (Qwen's or the project's)");
        }
        HuggingFaceTokenizer hf;
        try {
            // No truncation or padding: the chat template controls lengths, batches pad themselves.
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (RuntimeException e) {
            throw new IOException("the tokenizers library cannot load " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new TextTokenizer(file, hf, Collections.unmodifiableMap(added), Collections.unmodifiableMap(vocab));
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
     * Token ids of {@code text}; adds no special token of its own. Special-token strings written in
     * the text are recognised, as Hugging Face does (callers that take untrusted text may strip them).
     */
    public int[] encode(String text) {
        Encoding enc = tokenizer.encode(text, false, false);
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
        return tokenizer.decode(longs, skipSpecialTokens);
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
        tokenizer.close();
    }
}
