package io.rrs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Scope: one generated answer, as one line of a responses JSONL file:
 * {@code {"condition", "id", "prompt_id", "label", "category", "question", "response", "tokens", "stopped"}}.
 * Whether it is a refusal is not stored: the report judges the text, so a changed phrase list
 * needs no new generation.
 *
 * @param condition "audio-text", "text-only" or "audio-only"
 * @param id        the utterance id of the spoken dataset (the same text has one id per voice)
 * @param tokens    generated tokens, stop token excluded
 * @param stopped   true when a stop token ended the answer, false when the token limit did
 */
public record ResponseRecord(String condition, String id, String promptId, String label, String category, String question,
                             String response, int tokens, boolean stopped) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ResponseRecord {
        if (condition == null || id == null || label == null || category == null || question == null || response == null)
            throw new IllegalArgumentException("response record " + id + ": condition, id, label, category, question and response are required");
        if (!label.equals("harmful") && !label.equals("benign"))
            throw new IllegalArgumentException("response record " + id + ": label must be harmful or benign, got \"" + label + "\"");
        if (tokens < 0) throw new IllegalArgumentException("response record " + id + ": tokens must be >= 0, got " + tokens);
    }

    /** The key a resumed run uses to skip work already done. */
    public String key() {
        return condition + "/" + id;
    }

    public boolean harmful() {
        return label.equals("harmful");
    }

    /** The JSON line, without newline. */
    public String toJson() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("condition", condition);
        n.put("id", id);
        n.put("prompt_id", promptId);
        n.put("label", label);
        n.put("category", category);
        n.put("question", question);
        n.put("response", response);
        n.put("tokens", tokens);
        n.put("stopped", stopped);
        return n.toString();
    }

    /** Parses one line; fails naming the missing field. */
    public static ResponseRecord fromJson(String line) throws java.io.IOException {
        JsonNode n = MAPPER.readTree(line);
        for (String field : new String[] {"condition", "id", "label", "category", "question", "response", "tokens", "stopped"})
            if (n == null || !n.hasNonNull(field)) throw new java.io.IOException("response line lacks \"" + field + "\"");
        return new ResponseRecord(n.get("condition").asText(), n.get("id").asText(), n.path("prompt_id").asText(""), n.get("label").asText(),
                n.get("category").asText(), n.get("question").asText(), n.get("response").asText(), n.get("tokens").asInt(), n.get("stopped").asBoolean());
    }
}
