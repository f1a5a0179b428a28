package io.rrs.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.PromptSplit.Prompt;
import io.rrs.data.PromptSplit.Split;
import io.rrs.data.VoicePlan.Combo;
import io.rrs.data.hearing.HearingSentences;
import io.rrs.data.speech.SpeechEngine;
import io.rrs.data.speech.VoiceCatalog;
import io.rrs.data.speech.VoiceCatalog.Rendition;
import io.rrs.data.speech.VoiceCatalog.Role;
import io.rrs.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Scope: {@code rrs data build}. Copies the authors' release (with its attribution) into the
 * repository's data folder, splits it by unique prompt text ({@link PromptSplit}), writes the split
 * ({@code prompts.jsonl}, committed), then speaks every prompt in its split's voices and rates
 * ({@link VoicePlan}) into {@code wav/<split>/<id>.wav} and lists them in {@code manifest.jsonl}
 * (both rebuilt, not committed). Resumes: an utterance whose WAV is whole and whose manifest line
 * matches the request is not synthesised again, and every finished utterance is appended to the
 * manifest at once, so an interrupted run loses at most the utterances in flight.
 */
public final class DatasetBuilder {
    public static final String PROMPTS_FILE = "prompts.jsonl";
    /**
     * The hearing-sentence utterances a synthesiser failed on in the last run (id, engine, voice, text, error; absent
     * when none did): a hearing sentence is one of thousands, so its failure (festival's diphone voice has crashed on
     * one) leaves it out instead of stopping the build; a dataset question's failure still stops it.
     */
    public static final String SKIPPED_FILE = "skipped.jsonl";

    /**
     * Everything the build needs. {@code limit} > 0 synthesises only that many prompts (alternating
     * splits), for quick runs; the manifest still lists every utterance whose audio is already built.
     */
    public record Options(Path sharedDir, Path outDir, VoicePlan voices, PromptSplit.Settings split, int jobs, int limit,
                          SpeechSynthesizer.Tools tools, boolean progressBar, EngineVoices engineVoices, HearingPlan hearing) {
        /** The espeak-ng voice plan ({@code voices}, spoken with {@code tools}). */
        public Options(Path sharedDir, Path outDir, VoicePlan voices, PromptSplit.Settings split, int jobs, int limit,
                       SpeechSynthesizer.Tools tools, boolean progressBar) {
            this(sharedDir, outDir, voices, split, jobs, limit, tools, progressBar, null, null);
        }

        /** The catalog's engines without hearing sentences. */
        public Options(Path sharedDir, Path outDir, VoicePlan voices, PromptSplit.Settings split, int jobs, int limit,
                       SpeechSynthesizer.Tools tools, boolean progressBar, EngineVoices engineVoices) {
            this(sharedDir, outDir, voices, split, jobs, limit, tools, progressBar, engineVoices, null);
        }

        public Options {
            if (outDir == null) throw new IllegalArgumentException("outDir must be set");
            if (hearing != null && engineVoices == null) {
                throw new IllegalArgumentException("hearing sentences are spoken in the catalog's voices; add --engines (e.g. --engines all)");
            }
            if (jobs < 1) throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
            if (limit < 0) throw new IllegalArgumentException("limit must be >= 0 (0 = all prompts), got " + limit);
        }
    }

    /**
     * Speak with the {@link VoiceCatalog}'s engines instead of the espeak-ng voice plan, of
     * {@code engines} (all when empty): train texts and pretrain sentences in its training voices,
     * validation sentences in its validation voices, test texts in its test voices. Only the
     * utterances of {@code splits} are synthesised (those built earlier stay listed); each of them
     * must have voices among the engines.
     */
    public record EngineVoices(VoiceCatalog catalog, List<String> engines, java.util.Set<String> splits) {
        /** The question splits, train and test. */
        public EngineVoices(VoiceCatalog catalog, List<String> engines) {
            this(catalog, engines, java.util.Set.of("train", "test"));
        }

        public EngineVoices {
            if (catalog == null) throw new IllegalArgumentException("catalog must be set");
            engines = List.copyOf(engines);
            splits = java.util.Set.copyOf(splits);
            for (String split : new TreeSet<>(splits)) {
                Role role = roleOf(split);
                if (catalog.renditions(role, engines).isEmpty()) {
                    throw new IllegalArgumentException("engines " + engines + " have no " + role.json() + " voices" + (split.equals(role.json()) ? "" : " (for the " + split + " split)")
                            + "; add one of " + catalog.voices(role).stream().map(VoiceCatalog.Voice::engine).distinct().toList()
                            + (split.equals("test") || split.equals("train") ? "" : ", or leave " + split + " out of --splits"));
                }
            }
        }

        /** The voice role that speaks a split. */
        static Role roleOf(String split) {
            return switch (split) {
                case "train", "pretrain" -> Role.TRAIN;
                case "validation" -> Role.VALIDATION;
                case "test" -> Role.TEST;
                default -> throw new IllegalArgumentException("no split '" + split + "'; splits are train, test, pretrain, validation");
            };
        }

        List<Rendition> renditions(Split split) {
            return catalog.renditions(roleOf(split.json()), engines);
        }
    }

    /**
     * The hearing sentences ({@link HearingSentences}, from {@code rrs data hearing}) to speak: the
     * pretrain ones in {@code renditionsPerSentence} of the training renditions each, the validation
     * ones in as many validation renditions ({@link VoiceCatalog#renditionsForText}, seeded).
     */
    public record HearingPlan(Path sentences, int renditionsPerSentence, long seed) {
        public HearingPlan {
            if (sentences == null) throw new IllegalArgumentException("the hearing sentences file must be set");
            if (renditionsPerSentence < 1) throw new IllegalArgumentException("--renditions-per-sentence must be >= 1, got " + renditionsPerSentence);
        }
    }

    /** What a build produced. */
    public record Report(int prompts, Map<String, Integer> promptsPerSplit, int utterances, Map<String, Integer> utterancesPerSplit,
                         int synthesised, int reused, double audioHours, Map<String, List<String>> combosPerSplit, Duration elapsed,
                         Path manifest) {
        /** Human summary, one fact per line. */
        public String summary() {
            return String.format("prompts: %d %s%nutterances: %d %s (synthesised %d, reused %d)%naudio: %.2f h%n"
                            + "voices@rates: %s%nmanifest: %s%ntook: %.1f s",
                    prompts, promptsPerSplit, utterances, utterancesPerSplit, synthesised, reused, audioHours, combosPerSplit,
                    manifest, elapsed.toMillis() / 1000.0);
        }
    }

    private final Options options;
    private final PrintStream log;

    public DatasetBuilder(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** The lock file that keeps two builds from writing one folder at once. */
    public static final String LOCK_FILE = ".build.lock";

    /** Runs the whole build, holding the output folder's lock (another build of the same folder is refused). */
    public Report build() throws IOException, InterruptedException {
        Path out = options.outDir();
        Files.createDirectories(out);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(out.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException held) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("another 'rrs data build' is writing " + out.toAbsolutePath() + "; wait for it to end (or stop it), then run "
                        + "the same command again to resume");
            }
            return buildLocked(out);
        }
    }

    private Report buildLocked(Path out) throws IOException, InterruptedException {
        long start = System.nanoTime();
        copySources(options.sharedDir(), out);
        List<Prompt> prompts = PromptSplit.split(SourceDataset.read(out), options.split());
        writePrompts(out.resolve(PROMPTS_FILE), prompts);
        List<HearingSentences.Sentence> sentences = hearingSentences(out);
        List<Manifest.Entry> plan = plan(prompts);
        plan.addAll(planHearing(sentences));
        // --limit bounds what is synthesised, not what is listed: audio already built stays in the manifest.
        java.util.Set<String> wanted = new java.util.HashSet<>();
        for (Manifest.Entry e : plan(options.limit() > 0 ? limit(prompts, options.limit()) : prompts)) wanted.add(e.id());
        for (Manifest.Entry e : planHearing(options.limit() > 0 ? limitSentences(sentences, options.limit()) : sentences)) wanted.add(e.id());
        if (options.engineVoices() != null) {
            java.util.Set<String> splits = options.engineVoices().splits();
            for (Manifest.Entry e : plan) if (!splits.contains(e.split())) wanted.remove(e.id());
        }
        if (options.engineVoices() != null) {
            List<String> broken = CorpusSplitCheck.violations(plan, prompts, options.engineVoices().catalog());
            if (!broken.isEmpty()) {
                throw new IOException("the planned corpus mixes its splits (" + broken.size() + " problems), first: " + broken.get(0)
                        + "; extract the hearing sentences again with 'rrs data hearing' against this dataset");
            }
        }

        Path manifestFile = out.resolve(Manifest.FILE);
        Map<String, Manifest.Entry> previous = Manifest.readLenient(manifestFile);
        Map<String, Manifest.Entry> done = new LinkedHashMap<>();
        List<Manifest.Entry> todo = new ArrayList<>();
        for (Manifest.Entry want : plan) {
            Manifest.Entry had = previous.get(want.id());
            if (had != null && had.sameRequest(want) && wholeWav(out.resolve(had.wav()), had.durationS())) done.put(want.id(), had);
            else if (wanted.contains(want.id())) todo.add(want);
        }
        int reused = done.size();
        // Keep only lines that are still valid, so the appended log starts consistent.
        Manifest.write(manifestFile, new ArrayList<>(done.values()));
        if (!todo.isEmpty()) synthesise(inRounds(todo), done, manifestFile, reused, reused + todo.size());

        List<Manifest.Entry> ordered = new ArrayList<>(done.size());
        for (Manifest.Entry want : plan) if (done.containsKey(want.id())) ordered.add(done.get(want.id()));
        Manifest.write(manifestFile, ordered);
        return report(ordered, todo.size(), reused, Duration.ofNanos(System.nanoTime() - start), manifestFile);
    }

    /** Copies harmful.json, benign.json and SOURCE.md from the shared folder; falls back to the repository's copy. */
    void copySources(Path shared, Path out) throws IOException {
        List<String> files = List.of(SourceDataset.HARMFUL_FILE, SourceDataset.BENIGN_FILE, SourceDataset.SOURCE_FILE);
        boolean sharedComplete = shared != null && files.stream().allMatch(f -> Files.isRegularFile(shared.resolve(f)));
        if (sharedComplete) {
            for (String f : files) {
                Path src = shared.resolve(f);
                Path dst = out.resolve(f);
                if (!Files.exists(dst) || !Arrays.equals(Files.readAllBytes(src), Files.readAllBytes(dst))) {
                    AtomicFiles.writeVia(dst, tmp -> {
                        Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
                        tmp.toFile().setWritable(true, true); // the shared copy is read-only
                    });
                    log.println("copied " + src + " -> " + dst);
                }
            }
            return;
        }
        boolean localComplete = files.stream().allMatch(f -> Files.isRegularFile(out.resolve(f)));
        if (!localComplete) {
            throw new IOException("the dataset is in neither " + (shared == null ? "(no shared dir)" : shared.toAbsolutePath()) + " nor "
                    + out.toAbsolutePath() + " (needs " + files + "); pass --shared-dir with the folder holding the authors' release");
        }
        log.println("using the repository's copy in " + out + (shared == null ? "" : " (" + shared + " has no complete release)"));
    }

    /**
     * The utterances in rounds: round r holds every text's r-th missing utterance, the texts' voice
     * lists rotated by the text's position, so a build stopped part way has every text spoken about
     * equally often and in voices spread over the catalog.
     */
    static List<Manifest.Entry> inRounds(List<Manifest.Entry> todo) {
        Map<String, List<Manifest.Entry>> byText = new LinkedHashMap<>();
        for (Manifest.Entry e : todo) byText.computeIfAbsent(e.split() + "/" + e.promptId(), k -> new ArrayList<>()).add(e);
        List<List<Manifest.Entry>> texts = new ArrayList<>(byText.values());
        List<Manifest.Entry> out = new ArrayList<>(todo.size());
        for (int round = 0; out.size() < todo.size(); round++) {
            for (int t = 0; t < texts.size(); t++) {
                List<Manifest.Entry> mine = texts.get(t);
                if (round < mine.size()) out.add(mine.get((round + t) % mine.size()));
            }
        }
        return out;
    }

    /** The hearing sentences to speak (copied into the output folder as hearing.jsonl), or none without a hearing plan. */
    private List<HearingSentences.Sentence> hearingSentences(Path out) throws IOException {
        if (options.hearing() == null) return List.of();
        Path from = options.hearing().sentences();
        List<HearingSentences.Sentence> sentences = HearingSentences.read(from);
        Path copy = out.resolve(HearingSentences.FILE);
        if (!Files.exists(copy) || !Files.isSameFile(from, copy)) HearingSentences.write(copy, sentences);
        return sentences;
    }

    /** The first {@code n} sentences of each split. */
    static List<HearingSentences.Sentence> limitSentences(List<HearingSentences.Sentence> sentences, int n) {
        Map<String, Integer> taken = new java.util.HashMap<>();
        List<HearingSentences.Sentence> out = new ArrayList<>();
        for (HearingSentences.Sentence s : sentences) if (taken.merge(s.split(), 1, Integer::sum) <= n) out.add(s);
        return out;
    }

    /** The utterances of the hearing sentences: pretrain in training voices, validation in validation voices. */
    List<Manifest.Entry> planHearing(List<HearingSentences.Sentence> sentences) {
        List<Manifest.Entry> plan = new ArrayList<>();
        if (sentences.isEmpty()) return plan;
        HearingPlan h = options.hearing();
        Map<String, Integer> index = new java.util.HashMap<>();
        for (HearingSentences.Sentence s : sentences) {
            boolean pretrain = s.split().equals(HearingSentences.PRETRAIN);
            int i = index.merge(s.split(), 1, Integer::sum) - 1;
            List<Rendition> renditions = options.engineVoices().catalog().renditionsForText(EngineVoices.roleOf(s.split()),
                    options.engineVoices().engines(), i, h.renditionsPerSentence(), h.seed() + (pretrain ? 0 : 1));
            for (Rendition r : renditions) {
                String id = s.id() + "-" + r.slug();
                plan.add(new Manifest.Entry(id, s.id(), s.text(), Manifest.NO_LABEL, s.source(), s.split(), r.voice(), r.rate(),
                        "wav/" + s.split() + "/" + id + ".wav", 1, r.engine(), r.pitch()));
            }
        }
        return plan;
    }

    /** Takes prompts alternately from the test and train side, in order, so both splits appear in a subset. */
    static List<Prompt> limit(List<Prompt> prompts, int n) {
        List<Prompt> test = prompts.stream().filter(p -> p.split() == Split.TEST).toList();
        List<Prompt> train = prompts.stream().filter(p -> p.split() == Split.TRAIN).toList();
        List<Prompt> out = new ArrayList<>();
        for (int i = 0; out.size() < n && (i < test.size() || i < train.size()); i++) {
            if (i < test.size()) out.add(test.get(i));
            if (out.size() < n && i < train.size()) out.add(train.get(i));
        }
        return out;
    }

    /** The requested utterances (duration still unknown: written as 1 until synthesised). */
    List<Manifest.Entry> plan(List<Prompt> prompts) {
        List<Manifest.Entry> plan = new ArrayList<>();
        for (Prompt p : prompts) {
            if (options.engineVoices() != null) {
                for (Rendition r : options.engineVoices().renditions(p.split())) {
                    String id = p.id() + "-" + r.slug();
                    String wav = "wav/" + p.split().json() + "/" + id + ".wav";
                    plan.add(new Manifest.Entry(id, p.id(), p.text(), p.label().json(), p.category(), p.split().json(), r.voice(), r.rate(),
                            wav, 1, r.engine(), r.pitch()));
                }
                continue;
            }
            for (Combo c : options.voices().combos(p.split())) {
                String id = p.id() + "-" + c.slug();
                String wav = "wav/" + p.split().json() + "/" + id + ".wav";
                plan.add(new Manifest.Entry(id, p.id(), p.text(), p.label().json(), p.category(), p.split().json(), c.voice(), c.rate(), wav, 1));
            }
        }
        return plan;
    }

    private static boolean wholeWav(Path wav, double manifestDuration) {
        try {
            WavHeader h = WavHeader.read(wav);
            return h.isDatasetFormat() && Math.abs(h.durationSeconds() - manifestDuration) < 1e-3;
        } catch (IOException e) {
            return false;
        }
    }

    private void synthesise(List<Manifest.Entry> todo, Map<String, Manifest.Entry> done, Path manifestFile, int reused, int total)
            throws IOException, InterruptedException {
        SpeechSynthesizer tts = new SpeechSynthesizer(options.tools());
        EngineVoices engines = options.engineVoices();
        if (engines == null) {
            log.println("speaking " + todo.size() + " utterances (" + reused + " reused) with " + tts.checkAvailable());
        } else {
            java.util.Set<String> checked = new java.util.LinkedHashSet<>();
            for (Manifest.Entry e : todo) {
                if (checked.add(e.engine() + ":" + e.voice())) engines.catalog().engine(e.engine()).checkAvailable(e.voice());
            }
            log.println("speaking " + todo.size() + " utterances (" + reused + " reused) in " + checked.size() + " voices: " + checked);
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs());
        AtomicBoolean failed = new AtomicBoolean();
        ProgressBarBuilder pbb = new ProgressBarBuilder().setTaskName(engines == null ? "espeak-ng" : "speech").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .startsFrom(reused, Duration.ZERO).setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(options.progressBar() ? System.err : new PrintStream(PrintStream.nullOutputStream())));
        java.util.concurrent.atomic.AtomicInteger skippedCount = new java.util.concurrent.atomic.AtomicInteger();
        Path skippedFile = options.outDir().resolve(SKIPPED_FILE);
        try (ProgressBar bar = pbb.build();
             BufferedWriter append = Files.newBufferedWriter(manifestFile, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
             BufferedWriter skipped = Files.newBufferedWriter(skippedFile, StandardCharsets.UTF_8)) {
            List<Future<?>> futures = new ArrayList<>();
            for (Manifest.Entry want : todo) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) return null; // stop early after the first failure
                    try {
                        WavHeader h = engines == null
                                ? tts.synthesize(want.text(), want.voice(), want.rate(), options.outDir().resolve(want.wav()))
                                : speak(engines.catalog().engine(want.engine()), want, options.outDir().resolve(want.wav()));
                        Manifest.Entry got = want.withDuration(h.durationSeconds());
                        synchronized (done) {
                            done.put(got.id(), got);
                            append.write(got.toJson() + "\n");
                            append.flush(); // a finished utterance survives an interruption
                        }
                        bar.step();
                        return null;
                    } catch (IOException e) {
                        if (!Manifest.QUESTION_SPLITS.contains(want.split())) { // one sentence fewer: the corpus still serves
                            synchronized (skipped) {
                                skipped.write(failure(want, e) + "\n");
                                skipped.flush();
                                skippedCount.incrementAndGet();
                            }
                            bar.step();
                            return null;
                        }
                        failed.set(true);
                        throw e;
                    } catch (Exception e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) throw io;
                    throw new IOException("synthesis failed: " + cause, cause);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (skippedCount.get() == 0) Files.deleteIfExists(skippedFile);
        else log.println(skippedCount.get() + (skippedCount.get() == 1 ? " hearing-sentence utterance" : " hearing-sentence utterances")
                + " failed to synthesise, left out of the manifest and listed in " + skippedFile + "; a rerun tries again");
    }

    /** One line of {@value #SKIPPED_FILE}: the utterance that failed and why. */
    private static String failure(Manifest.Entry want, IOException e) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("id", want.id()).put("engine", want.engine()).put("voice", want.voice()).put("text", want.text()).put("error", String.valueOf(e.getMessage()));
        return n.toString();
    }

    /** Speaks one utterance with its engine into {@code out}, atomically (a WAV at its final name is whole). */
    private static WavHeader speak(SpeechEngine engine, Manifest.Entry want, Path out) throws IOException, InterruptedException {
        byte[] wav = SpeechEngine.wav16k(engine.synthesize(want.text(), want.voice(), want.rate(), want.pitch()));
        Files.createDirectories(out.toAbsolutePath().getParent());
        AtomicFiles.write(out, wav);
        WavHeader header = WavHeader.read(out);
        if (!header.isDatasetFormat() || header.dataBytes() == 0) {
            throw new IOException(engine.name() + " voice " + want.voice() + " gave " + header + " for \"" + want.text() + "\"");
        }
        return header;
    }

    private static void writePrompts(Path file, List<Prompt> prompts) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (Prompt p : prompts) {
            ObjectNode n = mapper.createObjectNode();
            n.put("id", p.id());
            n.put("text", p.text());
            n.put("label", p.label().json());
            n.put("category", p.category());
            n.put("split", p.split().json());
            n.put("group", p.group());
            p.rows().forEach(n.putArray("rows")::add);
            n.put("source_path", p.sourcePath());
            sb.append(n).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    private Report report(List<Manifest.Entry> entries, int synthesised, int reused, Duration elapsed, Path manifest) {
        Map<String, java.util.Set<String>> promptIds = new LinkedHashMap<>();
        for (Manifest.Entry e : entries) promptIds.computeIfAbsent(e.split(), k -> new java.util.HashSet<>()).add(e.promptId());
        Map<String, Integer> promptsPerSplit = new LinkedHashMap<>();
        promptIds.forEach((k, v) -> promptsPerSplit.put(k, v.size()));
        Map<String, Integer> uttPerSplit = new LinkedHashMap<>();
        Map<String, TreeSet<String>> combos = new LinkedHashMap<>();
        double seconds = 0;
        for (Manifest.Entry e : entries) {
            uttPerSplit.merge(e.split(), 1, Integer::sum);
            combos.computeIfAbsent(e.split(), k -> new TreeSet<>())
                    .add(e.engine().isEmpty() ? e.voice() + "@" + e.rate() : e.engine() + ":" + e.voice() + "@" + e.rate() + "/" + e.pitch());
            seconds += e.durationS();
        }
        Map<String, List<String>> combosPerSplit = new LinkedHashMap<>();
        combos.forEach((k, v) -> combosPerSplit.put(k, List.copyOf(v)));
        int prompts = promptsPerSplit.values().stream().mapToInt(Integer::intValue).sum();
        return new Report(prompts, promptsPerSplit, entries.size(), uttPerSplit, synthesised, reused, seconds / 3600,
                combosPerSplit, elapsed, manifest);
    }
}
