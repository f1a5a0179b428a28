package io.rrs.data;

import io.rrs.data.speech.VoiceCatalog;
import io.rrs.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scope: {@code rrs data subset}: a small, deterministic copy of a built spoken dataset, such as the
 * bundled {@code data/demo} that lets {@code rrs demo} run on a fresh clone without espeak-ng. Per split
 * it picks N texts per class, seeded: harmful/benign pairs (the dataset's {@code hNNN}/{@code bNNN} prompt
 * ids: the same row of harmful.json and benign.json) are kept together when the split holds enough of
 * them, else the rest is drawn per class; the draw goes round robin over categories in a seeded order, so
 * a few texts still span many categories. Each chosen text gets one utterance: at the preferred rate of its
 * split when the text has one, the voices alternating over the chosen pairs. The WAVs are copied byte for
 * byte, and only from engines whose licence allows redistribution (never MBROLA's voices: {@link
 * VoiceCatalog#redistributable}), since a subset is what gets committed; {@code manifest.jsonl} keeps the
 * source's lines (relative wav paths) in source order; a README.md
 * says how the folder was made. With {@code --written-train} every other training question of the source
 * follows as a written row ({@link Manifest.Entry#written}: its text, no audio), so the text-only condition
 * trains on all of them at a few hundred bytes each. The output is built in a temporary folder and renamed into place.
 */
public final class DatasetSubset {
    private static final Pattern PAIRED_ID = Pattern.compile("[hb]\\d+");

    /**
     * @param from                a built dataset (manifest.jsonl + wav/)
     * @param out                 the folder to create
     * @param trainTextsPerClass  texts per class from the train split
     * @param testTextsPerClass   texts per class from the test split
     * @param trainRate           preferred speaking rate of train utterances (0 = any)
     * @param testRate            preferred rate of test utterances (0 = any)
     * @param seed                seed of the choice
     * @param replace             replace an existing {@code out}
     * @param command             the command line to record in README.md
     * @param percent             when > 0, instead of the counts: this percentage of the texts of every split and class
     *                            (at least one where the class has any), the hearing splits (pretrain, validation) included
     * @param writtenTrain        add a written row (no audio) for every training question of the source not chosen
     */
    public record Options(Path from, Path out, int trainTextsPerClass, int testTextsPerClass, int trainRate, int testRate, long seed,
                          boolean replace, String command, double percent, boolean writtenTrain) {
        /** Counts per class, no percentage, no written rows. */
        public Options(Path from, Path out, int trainTextsPerClass, int testTextsPerClass, int trainRate, int testRate, long seed,
                       boolean replace, String command) {
            this(from, out, trainTextsPerClass, testTextsPerClass, trainRate, testRate, seed, replace, command, 0, false);
        }

        public Options {
            if (!(percent >= 0 && percent <= 100)) throw new IllegalArgumentException("--percent must be in (0, 100], got " + percent);
            if (from == null || out == null) throw new IllegalArgumentException("--from and --out are required");
            if (trainTextsPerClass < 1) throw new IllegalArgumentException("--train-texts-per-class must be >= 1, got " + trainTextsPerClass);
            if (testTextsPerClass < 1) throw new IllegalArgumentException("--test-texts-per-class must be >= 1, got " + testTextsPerClass);
            if (trainRate < 0 || testRate < 0) throw new IllegalArgumentException("rates must be >= 0 words/min (0 = any)");
            if (from.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()))
                throw new IllegalArgumentException("--out " + out + " is the --from folder; choose another");
        }
    }

    /** What was written: utterances per "split/label", pairs kept per split, seconds of audio and WAV bytes. */
    public record Report(Path out, Map<String, Integer> counts, Map<String, Integer> pairs, double seconds, long wavBytes, long totalBytes) {
        public String summary() {
            return String.format(Locale.ROOT, "wrote %s: %s utterances (%s harmful/benign pairs), %.1f s of audio, %.2f MB of WAV, %.2f MB in all",
                    out, counts, pairs, seconds, wavBytes / 1e6, totalBytes / 1e6);
        }
    }

    private DatasetSubset() {}

    public static Report build(Options o) throws IOException {
        SpokenDataset source = SpokenDataset.open(o.from());
        List<Manifest.Entry> chosen = new ArrayList<>();
        Map<String, Integer> pairs = new LinkedHashMap<>();
        for (PromptSplit.Split split : PromptSplit.Split.values()) {
            int rate = split == PromptSplit.Split.TRAIN ? o.trainRate() : o.testRate();
            List<Manifest.Entry> entries = redistributable(source.select(split, null));
            int harmful, benign;
            if (o.percent() > 0) {
                harmful = share(texts(entries, "harmful"), o.percent());
                benign = share(texts(entries, "benign"), o.percent());
            } else {
                harmful = benign = split == PromptSplit.Split.TRAIN ? o.trainTextsPerClass() : o.testTextsPerClass();
            }
            Selection s = choose(entries, split, harmful, benign, rate, o.seed());
            chosen.addAll(s.utterances());
            pairs.put(split.json(), s.pairs());
        }
        if (o.percent() > 0) {
            for (String split : List.of("pretrain", "validation")) {
                chosen.addAll(chooseSentences(redistributable(source.entries().stream().filter(e -> e.split().equals(split)).toList()), o.percent(), o.seed()));
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        for (Manifest.Entry e : chosen) ids.add(e.id());
        List<Manifest.Entry> ordered = new ArrayList<>(source.entries().stream().filter(e -> ids.contains(e.id())).toList()); // source order
        if (o.writtenTrain()) ordered.addAll(writtenRows(source, chosen));

        Path out = o.out().toAbsolutePath().normalize();
        if (Files.exists(out) && !o.replace())
            throw new IOException(out + " already exists; pass --replace to build it again, or choose another --out");
        Path tmp = AtomicFiles.tempDirFor(out);
        try {
            Map<String, Integer> counts = new TreeMap<>();
            double seconds = 0;
            long wavBytes = 0;
            for (Manifest.Entry e : ordered) {
                if (e.written()) {
                    counts.merge(e.split() + "/" + e.label() + " written", 1, Integer::sum);
                    continue;
                }
                Path src = source.wav(e);
                if (!Files.isRegularFile(src)) throw new IOException("utterance " + e.id() + ": " + src + " is missing; rebuild " + o.from() + " with 'rrs data build'");
                Path dst = tmp.resolve(e.wav()).normalize();
                if (!dst.startsWith(tmp)) throw new IOException("utterance " + e.id() + ": wav path " + e.wav() + " leaves the dataset folder");
                Files.createDirectories(dst.getParent());
                Files.copy(src, dst);
                counts.merge(e.split() + "/" + e.label(), 1, Integer::sum);
                seconds += e.durationS();
                wavBytes += Files.size(dst);
            }
            Manifest.write(tmp.resolve(Manifest.FILE), ordered);
            Path attribution = o.from().resolve(SourceDataset.SOURCE_FILE);
            if (Files.isRegularFile(attribution)) Files.copy(attribution, tmp.resolve(SourceDataset.SOURCE_FILE));
            Files.writeString(tmp.resolve("README.md"), readme(o, ordered, counts, pairs, seconds, wavBytes), StandardCharsets.UTF_8);
            AtomicFiles.replaceDirectory(tmp, out);
            return new Report(out, counts, pairs, seconds, wavBytes, treeBytes(out));
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** One written row per training question of {@code source} that {@code chosen} does not speak, in source order. */
    static List<Manifest.Entry> writtenRows(SpokenDataset source, List<Manifest.Entry> chosen) {
        Set<String> spoken = new java.util.HashSet<>();
        for (Manifest.Entry e : chosen) spoken.add(e.promptId());
        Map<String, Manifest.Entry> byQuestion = new LinkedHashMap<>();
        for (Manifest.Entry e : source.select(PromptSplit.Split.TRAIN, null, io.rrs.text.InputCondition.TEXT_ONLY))
            if (!spoken.contains(e.promptId())) byQuestion.putIfAbsent(e.promptId(), e);
        List<Manifest.Entry> out = new ArrayList<>();
        for (Manifest.Entry e : byQuestion.values())
            out.add(Manifest.Entry.written(e.promptId() + "-written", e.promptId(), e.text(), e.label(), e.category(), e.split()));
        return out;
    }

    /** The utterances whose engine's licence allows redistribution. */
    static List<Manifest.Entry> redistributable(List<Manifest.Entry> entries) {
        return entries.stream().filter(e -> VoiceCatalog.redistributable(e.engine())).toList();
    }

    /** The chosen utterances of one split and how many harmful/benign pairs they hold. */
    record Selection(List<Manifest.Entry> utterances, int pairs) {}

    /** The distinct texts of {@code label} among {@code entries}. */
    static int texts(List<Manifest.Entry> entries, String label) {
        return (int) entries.stream().filter(e -> e.label().equals(label)).map(Manifest.Entry::promptId).distinct().count();
    }

    /** {@code percent} of {@code n}, rounded, and at least 1 when {@code n} > 0. */
    static int share(int n, double percent) {
        return n == 0 ? 0 : Math.max(1, (int) Math.round(n * percent / 100));
    }

    /** {@code percent} of the texts of a hearing split (seeded), one utterance each, the renditions alternating. */
    static List<Manifest.Entry> chooseSentences(List<Manifest.Entry> entries, double percent, long seed) {
        Map<String, List<Manifest.Entry>> byText = new TreeMap<>();
        for (Manifest.Entry e : entries) byText.computeIfAbsent(e.promptId(), k -> new ArrayList<>()).add(e);
        List<String> ids = new ArrayList<>(byText.keySet());
        Collections.shuffle(ids, new Random(seed * 31 + 7));
        List<String> picked = ids.subList(0, share(ids.size(), percent));
        List<Manifest.Entry> out = new ArrayList<>();
        for (int i = 0; i < picked.size(); i++) out.add(utterance(byText.get(picked.get(i)), 0, i));
        return out;
    }

    static Selection choose(List<Manifest.Entry> entries, PromptSplit.Split split, int harmful, int benign, int rate, long seed) {
        Map<String, List<Manifest.Entry>> byText = new LinkedHashMap<>();
        for (Manifest.Entry e : entries) byText.computeIfAbsent(e.promptId(), k -> new ArrayList<>()).add(e);
        Map<String, String> labelOf = new LinkedHashMap<>(), categoryOf = new LinkedHashMap<>();
        byText.forEach((id, list) -> {
            labelOf.put(id, list.get(0).label());
            categoryOf.put(id, list.get(0).category());
        });
        Random random = new Random(seed * 31 + split.ordinal());
        // pairs: hNNN and bNNN both in this split (a harmful text and its rewrite share a row of the release)
        List<String> pairKeys = new ArrayList<>();
        for (String id : byText.keySet())
            if (id.startsWith("h") && PAIRED_ID.matcher(id).matches() && "harmful".equals(labelOf.get(id))
                    && "benign".equals(labelOf.get("b" + id.substring(1)))) pairKeys.add(id.substring(1));
        List<String> keys = roundRobin(pairKeys, k -> categoryOf.get("h" + k), random, Math.min(harmful, benign));
        List<List<String>> slots = new ArrayList<>(); // the texts of each pick, which share a voice index
        for (String k : keys) slots.add(List.of("h" + k, "b" + k));
        Set<String> used = new java.util.HashSet<>();
        for (List<String> s : slots) used.addAll(s);
        List<List<String>> rest = new ArrayList<>();
        for (String label : List.of("harmful", "benign")) {
            int perClass = label.equals("harmful") ? harmful : benign;
            List<String> free = byText.keySet().stream().filter(id -> label.equals(labelOf.get(id)) && !used.contains(id)).toList();
            List<String> more = roundRobin(free, categoryOf::get, random, perClass - keys.size());
            if (keys.size() + more.size() < perClass)
                throw new IllegalArgumentException("the " + split.json() + " split has only " + (keys.size() + more.size()) + " " + label + " texts; ask for at most that many with --"
                        + split.json() + "-texts-per-class");
            rest.add(more);
        }
        for (int i = 0; i < Math.max(rest.get(0).size(), rest.get(1).size()); i++) {
            List<String> slot = new ArrayList<>();
            for (List<String> r : rest) if (i < r.size()) slot.add(r.get(i));
            slots.add(slot);
        }
        List<Manifest.Entry> out = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++)
            for (String id : slots.get(i)) out.add(utterance(byText.get(id), rate, i));
        return new Selection(out, keys.size());
    }

    /** Up to {@code n} items, taken round robin over their categories; categories and items within each are in a seeded order. */
    static List<String> roundRobin(List<String> items, java.util.function.Function<String, String> category, Random random, int n) {
        Map<String, List<String>> byCategory = new TreeMap<>();
        for (String item : new TreeSet<>(items)) byCategory.computeIfAbsent(category.apply(item), c -> new ArrayList<>()).add(item);
        List<List<String>> queues = new ArrayList<>(byCategory.values());
        for (List<String> q : queues) Collections.shuffle(q, random);
        Collections.shuffle(queues, random);
        List<String> out = new ArrayList<>();
        for (int round = 0; out.size() < n; round++) {
            boolean any = false;
            for (List<String> q : queues) {
                if (round < q.size() && out.size() < n) {
                    out.add(q.get(round));
                    any = true;
                }
            }
            if (!any) break;
        }
        return out;
    }

    /** One utterance of a text: among those at {@code rate} (when it has any), the {@code index}-th in (voice, rate, id) order, cyclically. */
    static Manifest.Entry utterance(List<Manifest.Entry> ofText, int rate, int index) {
        List<Manifest.Entry> candidates = ofText.stream().filter(e -> rate == 0 || e.rate() == rate).toList();
        if (candidates.isEmpty()) candidates = ofText;
        List<Manifest.Entry> sorted = candidates.stream()
                .sorted(Comparator.comparing(Manifest.Entry::voice).thenComparingInt(Manifest.Entry::rate).thenComparing(Manifest.Entry::id)).toList();
        return sorted.get(index % sorted.size());
    }

    private static String readme(Options o, List<Manifest.Entry> entries, Map<String, Integer> counts, Map<String, Integer> pairs,
                                 double seconds, long wavBytes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# A mini spoken dataset (made by `rrs data subset`)\n\n");
        sb.append("Warning: the harmful questions are offensive by design (it is a safety dataset).\n\n");
        sb.append("Made from the full spoken dataset (`rrs data build`: espeak-ng + sox, see data/README.md) with\n\n");
        sb.append("```bash\n").append(o.command()).append("\n```\n\n");
        sb.append("The same source and options give the same bytes. Per split, ").append(o.percent() > 0
                        ? String.format(Locale.ROOT, "%s percent of the texts of each class (the pretrain and validation sentences too)", o.percent())
                        : o.trainTextsPerClass() + " (train) and " + o.testTextsPerClass() + " (test) texts per class")
                .append(", chosen with seed ").append(o.seed())
                .append(": harmful questions together with their benign rewrites (prompt ids hNNN/bNNN, the same row of the release) ")
                .append("while the split has enough pairs, round robin over the categories in a seeded order; one utterance per text, ")
                .append("at ").append(o.trainRate() == 0 ? "any rate" : o.trainRate() + " words/min").append(" for train and ")
                .append(o.testRate() == 0 ? "the test split's rate" : o.testRate() + " words/min").append(" for test, the voices alternating. ")
                .append("Only voices whose licence allows redistribution are copied (no MBROLA voice: data/README.md). ")
                .append("The WAVs (16 kHz mono 16-bit PCM) are copied byte for byte; `manifest.jsonl` keeps the source's lines ")
                .append("(wav paths relative to this folder), in the source's order.");
        long written = entries.stream().filter(Manifest.Entry::written).count();
        if (written > 0)
            sb.append(" Then ").append(written).append(" written rows: every other training question of the source, its text without audio ")
                    .append("(no wav, voice, rate or duration), which the text-only condition trains on (`rrs reshape prepare --condition text-only`).");
        sb.append("\n\n");
        sb.append("| split | harmful | benign | pairs | voices @ words/min |\n|---|---|---|---|---|\n");
        // hearing sentences (pretrain, validation) have no class: their count stands in the benign column, marked as sentences
        for (String split : List.of("train", "test", "pretrain", "validation")) {
            if (entries.stream().noneMatch(e -> e.split().equals(split))) continue;
            Set<String> combos = new TreeSet<>();
            for (Manifest.Entry e : entries) {
                if (e.split().equals(split) && !e.written()) combos.add((e.engine().isEmpty() ? "" : e.engine() + ":") + e.voice() + " @ " + e.rate());
            }
            sb.append("| ").append(split).append(" | ").append(counts.getOrDefault(split + "/harmful", 0)).append(" | ")
                    .append(Manifest.QUESTION_SPLITS.contains(split) ? String.valueOf(counts.getOrDefault(split + "/benign", 0))
                            : counts.getOrDefault(split + "/" + Manifest.NO_LABEL, 0) + " sentences").append(" | ").append(pairs.getOrDefault(split, 0)).append(" | ")
                    .append(String.join(", ", combos)).append(" |\n");
        }
        sb.append(String.format(Locale.ROOT, "%n%d utterances, %.1f s of audio, %d bytes of WAV%s.%n%n", entries.size() - written, seconds, wavBytes,
                written > 0 ? String.format(Locale.ROOT, "; %d written rows (%d harmful, %d benign)", written,
                        counts.getOrDefault("train/harmful written", 0), counts.getOrDefault("train/benign written", 0)) : ""));
        sb.append("Texts: the RRS authors' release of BeaverTails questions and their benign rewrites; attribution and license (MIT) in SOURCE.md.\n");
        if (entries.stream().anyMatch(e -> !Manifest.QUESTION_SPLITS.contains(e.split()))) {
            sb.append("Hearing sentences (pretrain, validation): plain English sentences from Debian's text corpus packages, the package of each in ")
                    .append("its manifest `category`; data/README.md of the RRS repository lists the packages and their licences.\n");
        }
        return sb.toString();
    }

    private static long treeBytes(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            long sum = 0;
            for (Path p : walk.filter(Files::isRegularFile).toList()) sum += Files.size(p);
            return sum;
        }
    }
}
