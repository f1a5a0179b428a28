package io.rrs.data.hearing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.SourceDataset;
import io.rrs.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scope: the hearing sentences, plain English sentences from Debian's text corpora that the
 * {@code pretrain} (and {@code validation}) split speaks, and their file {@code hearing.jsonl}: one
 * line per sentence, {@code {"id", "text", "source", "split"}}, where {@code source} is the Debian
 * package it came from and {@code split} is {@code pretrain} or {@code validation}.
 *
 * <p>Extraction: every source's candidates are cleaned and kept when {@link PlainSentences#isPlain};
 * a sentence whose normalised words ({@link NearDuplicate#normalise}) another already has is dropped
 * (the earlier source in {@link DebianCorpora#ALL} keeps it). Selection: each source's sentences are
 * sorted, then shuffled with the seed and the source's name; the sources are then taken round robin,
 * one sentence per turn, skipping sentences near-equal to a dataset question ({@link NearDuplicate});
 * a source that runs out leaves its turns to the others. The first {@code pretrain} picks form the
 * pretrain split, the next {@code validation} the validation split. Same packages and settings, same file.
 */
public final class HearingSentences {
    public static final String FILE = "hearing.jsonl";
    public static final String PRETRAIN = "pretrain";
    public static final String VALIDATION = "validation";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One sentence: id ("s" + five digits, in selection order), text, source package, split. */
    public record Sentence(String id, String text, String source, String split) {
        public Sentence {
            if (!split.equals(PRETRAIN) && !split.equals(VALIDATION)) throw new IllegalArgumentException(id + ": split must be pretrain or validation, got " + split);
            if (text == null || text.isBlank()) throw new IllegalArgumentException(id + ": empty text");
        }
    }

    /** How many sentences per split, the seed, and the source packages (all of {@link DebianCorpora#ALL} when empty). */
    public record Settings(int pretrain, int validation, long seed, List<String> sources) {
        public static final int DEFAULT_PRETRAIN = 10_000;
        public static final int DEFAULT_VALIDATION = 500;
        public static final long DEFAULT_SEED = 20250519L;

        public Settings {
            if (pretrain < 0 || validation < 0) throw new IllegalArgumentException("sentence counts must be >= 0, got " + pretrain + " and " + validation);
            sources = List.copyOf(sources);
            for (String s : sources) DebianCorpora.source(s);
        }

        public List<DebianCorpora.Source> chosen() {
            return sources.isEmpty() ? DebianCorpora.ALL : DebianCorpora.ALL.stream().filter(s -> sources.contains(s.packageName())).toList();
        }
    }

    /** A source's candidate sentences (plain, distinct from every earlier source's), sorted. */
    public record Pool(String source, List<String> sentences) {}

    /** What an extraction found and chose. */
    public record Result(List<Sentence> sentences, Map<String, Integer> plainPerSource, Map<String, Integer> chosenPerSource,
                         int nearQuestionSkipped) {
        public String summary() {
            long pretrain = sentences.stream().filter(s -> s.split().equals(PRETRAIN)).count();
            return String.format(Locale.ROOT, "hearing sentences: %d pretrain, %d validation%nplain, distinct sentences per source: %s%n"
                            + "chosen per source: %s%nskipped as near-equal to a dataset question: %d",
                    pretrain, sentences.size() - pretrain, plainPerSource, chosenPerSource, nearQuestionSkipped);
        }
    }

    private HearingSentences() {}

    /** Extracts from the installed packages, keeping away from the questions of the dataset in {@code datasetDir}. */
    public static Result extract(Settings settings, Path datasetDir) throws IOException {
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        for (DebianCorpora.Source s : settings.chosen()) candidates.put(s.packageName(), s.candidates(DebianCorpora.installedFiles(s.packageName())));
        return select(pools(candidates), new NearDuplicate.Index(questions(datasetDir)), settings);
    }

    /** Every prompt of the dataset in {@code datasetDir} (harmful.json, benign.json), each text once. */
    public static List<String> questions(Path datasetDir) throws IOException {
        SourceDataset data = SourceDataset.read(datasetDir);
        Set<String> texts = new java.util.LinkedHashSet<>();
        for (SourceDataset.Row r : data.harmful()) texts.add(r.prompt());
        for (SourceDataset.Row r : data.benign()) texts.add(r.prompt());
        return List.copyOf(texts);
    }

    /** Plain, cleaned candidates per source (in the map's order), without repeats within or across sources, each pool sorted. */
    public static List<Pool> pools(Map<String, List<String>> candidatesBySource) {
        Set<String> seen = new HashSet<>();
        List<Pool> out = new ArrayList<>();
        candidatesBySource.forEach((source, candidates) -> {
            List<String> kept = new ArrayList<>();
            for (String c : candidates) {
                String s = PlainSentences.clean(c);
                if (s.isEmpty() || !PlainSentences.isPlain(s)) continue;
                if (seen.add(NearDuplicate.normalise(s))) kept.add(s);
            }
            Collections.sort(kept);
            out.add(new Pool(source, List.copyOf(kept)));
        });
        return out;
    }

    /** Round robin over the seeded pools, skipping sentences near-equal to a question (see the class comment). */
    public static Result select(List<Pool> pools, NearDuplicate.Index questions, Settings settings) {
        int wanted = settings.pretrain() + settings.validation();
        List<List<String>> queues = new ArrayList<>();
        Map<String, Integer> plain = new LinkedHashMap<>();
        Map<String, Integer> chosen = new TreeMap<>();
        for (Pool p : pools) {
            List<String> q = new ArrayList<>(p.sentences());
            Collections.shuffle(q, new Random(settings.seed() * 1_000_003L + p.source().hashCode()));
            queues.add(q);
            plain.put(p.source(), p.sentences().size());
        }
        int[] next = new int[queues.size()];
        List<Sentence> out = new ArrayList<>();
        int skipped = 0;
        boolean progress = true;
        while (out.size() < wanted && progress) {
            progress = false;
            for (int i = 0; i < queues.size() && out.size() < wanted; i++) {
                List<String> q = queues.get(i);
                while (next[i] < q.size()) {
                    String text = q.get(next[i]++);
                    if (questions.matches(text)) {
                        skipped++;
                        continue;
                    }
                    String source = pools.get(i).source();
                    out.add(new Sentence(String.format(Locale.ROOT, "s%05d", out.size()), text, source,
                            out.size() < settings.pretrain() ? PRETRAIN : VALIDATION));
                    chosen.merge(source, 1, Integer::sum);
                    progress = true;
                    break;
                }
            }
        }
        return new Result(List.copyOf(out), plain, chosen, skipped);
    }

    /** Writes the sentences, one JSON line each, atomically. */
    public static void write(Path file, List<Sentence> sentences) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Sentence s : sentences) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("id", s.id());
            n.put("text", s.text());
            n.put("source", s.source());
            n.put("split", s.split());
            sb.append(n).append('\n');
        }
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Reads a hearing.jsonl; fails naming the line that is not a sentence. */
    public static List<Sentence> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("no hearing sentences at " + file.toAbsolutePath() + "; extract them with 'rrs data hearing --out " + file + "'");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Sentence> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonNode n = MAPPER.readTree(lines.get(i));
                out.add(new Sentence(n.path("id").asText(""), n.path("text").asText(""), n.path("source").asText(""), n.path("split").asText("")));
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + " is not a hearing sentence (" + e.getMessage() + "); extract it again with 'rrs data hearing'", e);
            }
        }
        return out;
    }
}
