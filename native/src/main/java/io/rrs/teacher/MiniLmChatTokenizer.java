package io.rrs.teacher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import io.rrs.text.SpecialTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scope: the teacher's word-piece tokenizer as a chat model's {@code tokenizer.json} (the {@code knowing} recipe's,
 * docs/pretrain.md): all-MiniLM-L6-v2's BERT uncased WordPiece ({@value MiniLmEncoder#TOKENIZER_RESOURCE}, 30522
 * entries, ids unchanged so row {@code id} of the teacher's word embeddings is token {@code id}'s) with the chat
 * template's and the audio special tokens ({@link SpecialTokens#ALL}) appended as added tokens from id 30522 on.
 * The file's fixed truncation at 128 and padding to 128 are removed (the chat template controls lengths, batches pad
 * themselves), and so is the {@code [CLS] ... [SEP]} post-processor (a chat prompt is framed by the template alone,
 * as Qwen's is). The refusal token "I" is word piece "i" (1045): the normaliser lower-cases. Same bytes every time.
 */
public final class MiniLmChatTokenizer {
    private MiniLmChatTokenizer() {}

    /** The tokenizer.json bytes. */
    public static byte[] json() throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = (ObjectNode) mapper.readTree(MiniLmEncoder.resource(MiniLmEncoder.TOKENIZER_RESOURCE));
        int next = root.path("model").path("vocab").size();
        if (next == 0) throw new IOException(MiniLmEncoder.TOKENIZER_RESOURCE + " has no model.vocab; expected " + MiniLmEncoder.MAVEN_ARTIFACT + "'s WordPiece tokenizer");
        root.putNull("truncation");
        root.putNull("padding");
        root.putNull("post_processor");
        ArrayNode added = (ArrayNode) root.path("added_tokens");
        for (String token : SpecialTokens.ALL) {
            ObjectNode t = added.addObject();
            t.put("id", next++).put("content", token).put("single_word", false).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("special", true);
        }
        return (mapper.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@link #json()} to {@code file} atomically, unless it already holds exactly those bytes. */
    public static Path write(Path file) throws IOException {
        byte[] bytes = json();
        if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) return file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeVia(file, tmp -> Files.write(tmp, bytes));
        return file;
    }
}
