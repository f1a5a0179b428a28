package io.rrs.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: queries for the command line: one from {@code --audio}/{@code --text}, or many from a
 * JSONL file, one object per line: {@code {"id": "q1", "audio": "clip.wav", "text": "..."}} (each
 * field optional; relative audio paths resolve against the JSONL file's directory). A line that
 * cannot be turned into a query becomes an {@link Entry} with an error, so one bad line does not
 * stop the others and the output keeps one line per input line.
 */
final class GuardQueries {
    /** A query, or the reason the input line could not become one. */
    record Entry(String id, GuardQuery query, String error) {}

    private GuardQueries() {}

    static Entry single(Path audio, String text) {
        String id = audio != null ? audio.toString() : "text";
        if (audio == null) return new Entry(id, GuardQuery.text(text == null ? "" : text).withId(id), null);
        try {
            return new Entry(id, GuardQuery.wav(Files.readAllBytes(audio), text).withId(id), null);
        } catch (IOException e) {
            return new Entry(id, null, "cannot read audio " + audio + ": " + describe(e));
        }
    }

    /** Every line of {@code jsonl} ("-" reads standard input); blank lines are skipped. */
    static List<Entry> jsonl(String jsonl) throws IOException {
        Path base = jsonl.equals("-") ? Path.of(".") : Path.of(jsonl).toAbsolutePath().getParent();
        try (Reader in = jsonl.equals("-") ? new InputStreamReader(System.in, StandardCharsets.UTF_8) : Files.newBufferedReader(Path.of(jsonl));
             BufferedReader lines = new BufferedReader(in)) {
            List<Entry> out = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            int number = 0;
            for (String line; (line = lines.readLine()) != null; ) {
                number++;
                if (line.isBlank()) continue;
                out.add(parse(json, line, number, base, jsonl));
            }
            return out;
        }
    }

    private static Entry parse(ObjectMapper json, String line, int number, Path base, String source) {
        String fallbackId = "line " + number;
        JsonNode o;
        try {
            o = json.readTree(line);
        } catch (IOException e) {
            return new Entry(fallbackId, null, source + " line " + number + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!o.isObject()) return new Entry(fallbackId, null, source + " line " + number + " is not a JSON object like {\"audio\": \"a.wav\", \"text\": \"...\"}");
        String id = o.hasNonNull("id") ? o.get("id").asText() : fallbackId;
        String text = o.hasNonNull("text") ? o.get("text").asText() : "";
        if (!o.hasNonNull("audio")) return new Entry(id, GuardQuery.text(text).withId(id), null);
        Path audio = base.resolve(o.get("audio").asText());
        try {
            return new Entry(id, GuardQuery.wav(Files.readAllBytes(audio), text).withId(id), null);
        } catch (IOException e) {
            return new Entry(id, null, "query " + id + ": cannot read audio " + audio + ": " + describe(e));
        }
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
    }
}
