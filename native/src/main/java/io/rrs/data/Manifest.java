package io.rrs.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: the spoken dataset's JSONL manifest, one utterance per line:
 * {@code {"id", "prompt_id", "text", "label", "category", "split", "voice", "rate", "wav", "duration_s"}}.
 * {@code wav} is relative to the manifest's folder; {@code label} is harmful/benign; {@code rate}
 * is espeak-ng words per minute. An utterance spoken by one of the {@link io.rrs.data.speech}
 * engines ({@code rrs data build --engines}) adds {@code "engine"} and {@code "pitch"} after
 * {@code duration_s}; its {@code rate} and {@code pitch} are then percent of the voice's own.
 * Splits: {@code train} and {@code test} hold the dataset's questions (label harmful/benign);
 * {@code pretrain} and {@code validation} hold hearing sentences ({@link io.rrs.data.hearing.HearingSentences}:
 * label {@value #NO_LABEL}, category the Debian package the sentence came from, prompt_id its sentence id).
 * A <em>written</em> row ({@link Entry#written}: no {@code wav}, {@code voice}, {@code rate} or {@code duration_s})
 * is a train or test question without a recording: the text-only condition can train on it
 * ({@link SpokenDataset#select(PromptSplit.Split, SourceDataset.Label, io.rrs.text.InputCondition)}), which
 * lets a small bundled set carry every training question without their audio.
 * Reading tolerates a torn last line (an interrupted run).
 */
public final class Manifest {
    public static final String FILE = "manifest.jsonl";
    /** The label of a hearing sentence, which is neither harmful nor benign. */
    public static final String NO_LABEL = "none";
    /** The splits that hold dataset questions; the others ({@code pretrain}, {@code validation}) hold hearing sentences. */
    public static final java.util.Set<String> QUESTION_SPLITS = java.util.Set.of("train", "test");
    private static final java.util.Set<String> SENTENCE_SPLITS = java.util.Set.of("pretrain", "validation");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One utterance of the spoken dataset. */
    public record Entry(String id, String promptId, String text, String label, String category, String split, String voice,
                        int rate, String wav, double durationS, String engine, int pitch) {
        /** An utterance of the espeak-ng voice plan (no engine field, rate in words per minute). */
        public Entry(String id, String promptId, String text, String label, String category, String split, String voice,
                     int rate, String wav, double durationS) {
            this(id, promptId, text, label, category, split, voice, rate, wav, durationS, "", 0);
        }

        public Entry {
            if (engine == null) engine = "";
            if (id == null || id.isBlank()) throw new IllegalArgumentException("manifest entry without id");
            if (QUESTION_SPLITS.contains(split)) {
                if (!label.equals("harmful") && !label.equals("benign")) throw new IllegalArgumentException(id + ": label must be harmful or benign, got " + label);
            } else if (SENTENCE_SPLITS.contains(split)) {
                if (!label.equals(NO_LABEL)) throw new IllegalArgumentException(id + ": a " + split + " utterance's label must be " + NO_LABEL + ", got " + label);
            } else {
                throw new IllegalArgumentException(id + ": split must be train, test, pretrain or validation, got " + split);
            }
            if (wav == null) wav = "";
            if (wav.isEmpty()) {
                if (!QUESTION_SPLITS.contains(split)) throw new IllegalArgumentException(id + ": a " + split + " utterance needs a wav");
                if (durationS != 0) throw new IllegalArgumentException(id + ": a written row (no wav) has no duration_s, got " + durationS);
            } else if (!(durationS > 0)) {
                throw new IllegalArgumentException(id + ": duration_s must be > 0, got " + durationS);
            }
        }

        /** A question without a recording: usable where the input condition has no audio. */
        public static Entry written(String id, String promptId, String text, String label, String category, String split) {
            return new Entry(id, promptId, text, label, category, split, "", 0, "", 0, "", 0);
        }

        /** True for a question without a recording ({@link #written}). */
        public boolean written() {
            return wav.isEmpty();
        }

        /** True when this entry describes the same utterance request (text, voice, rate, split, file). */
        public boolean sameRequest(Entry o) {
            return id.equals(o.id) && text.equals(o.text) && voice.equals(o.voice) && rate == o.rate && split.equals(o.split)
                    && wav.equals(o.wav) && label.equals(o.label) && engine.equals(o.engine) && pitch == o.pitch;
        }

        /** This utterance once synthesised: the same request with its measured duration. */
        public Entry withDuration(double seconds) {
            return new Entry(id, promptId, text, label, category, split, voice, rate, wav, seconds, engine, pitch);
        }

        /** The JSON line (no newline). */
        public String toJson() {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("id", id);
            n.put("prompt_id", promptId);
            n.put("text", text);
            n.put("label", label);
            n.put("category", category);
            n.put("split", split);
            if (written()) return n.toString();
            n.put("voice", voice);
            n.put("rate", rate);
            n.put("wav", wav);
            n.put("duration_s", Math.round(durationS * 1e6) / 1e6);
            if (!engine.isEmpty()) {
                n.put("engine", engine);
                n.put("pitch", pitch);
            }
            return n.toString();
        }

        static Entry fromJson(JsonNode n) {
            return new Entry(n.path("id").asText(null), n.path("prompt_id").asText(""), n.path("text").asText(""), n.path("label").asText(""),
                    n.path("category").asText(""), n.path("split").asText(""), n.path("voice").asText(""), n.path("rate").asInt(),
                    n.path("wav").asText(""), n.path("duration_s").asDouble(), n.path("engine").asText(""), n.path("pitch").asInt());
        }
    }

    private Manifest() {}

    /**
     * Reads the entries of {@code file} by id (later lines win). A line that does not parse is
     * skipped: it can only be the torn tail of an interrupted run, whose utterance is redone.
     */
    public static Map<String, Entry> readLenient(Path file) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        if (!Files.exists(file)) return out;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                try {
                    Entry e = Entry.fromJson(MAPPER.readTree(line));
                    out.put(e.id(), e);
                } catch (IOException | IllegalArgumentException e) {
                    // torn or foreign line: ignored, the utterance is synthesised again
                }
            }
        }
        return out;
    }

    /** Reads every entry strictly, failing on the first bad line with its number. */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                out.add(Entry.fromJson(MAPPER.readTree(lines.get(i))));
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + " is not a manifest entry (" + e.getMessage() + "); rebuild with 'rrs data build'", e);
            }
        }
        return out;
    }

    /** Writes the entries in order, atomically ({@link AtomicFiles}). */
    public static void write(Path file, List<Entry> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) text.append(e.toJson()).append('\n');
        AtomicFiles.writeString(file, text.toString());
    }
}
