package io.rrs.data;

import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.Resumable;
import io.rrs.cli.UsageException;
import io.rrs.data.hearing.HearingSentences;
import io.rrs.data.speech.VoiceCatalog;
import io.rrs.text.TokenizerBuilder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scope: {@code rrs data}: build the spoken dataset ({@code rrs data build}), copy a small deterministic
 * subset of it ({@code rrs data subset}, how the bundled {@code data/demo} is made) and rebuild the
 * project tokenizer from it ({@code rrs data tokenizer}). Relative paths resolve against the
 * repository root (system property {@code rrs.root}, set by the {@code ./rrs} launcher), or the
 * working directory without it. Exit codes as every command's ({@link ExitCodes}).
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "The spoken dataset and the project tokenizer.",
        subcommands = {DataCommand.Build.class, DataCommand.Hearing.class, DataCommand.Voices.class, DataCommand.Subset.class, DataCommand.Tokenizer.class})
public final class DataCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** The repository root: -Drrs.root, else the working directory. */
    static Path root() {
        return io.rrs.cli.RepoPaths.root();
    }

    static Path resolve(Path p) {
        return io.rrs.cli.RepoPaths.resolve(p);
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Copy harmful.json and benign.json (with their attribution) into the data folder, split train/test "
                    + "by unique prompt text (80/20, stratified by category, a harmful prompt and its benign rewrite together), "
                    + "and speak every prompt with espeak-ng into 16 kHz WAV, test in voice/rate combinations absent from train. "
                    + "With --engines, many synthesisers' voices instead (train/validation/test voices kept apart), and with --hearing also the "
                    + "pretrain and validation splits of hearing sentences. "
                    + "Writes prompts.jsonl (the split) and manifest.jsonl (one line per utterance); resumes where an earlier run "
                    + "stopped. Needs espeak-ng and sox (Debian/Ubuntu: sudo apt-get install espeak-ng sox).")
    static final class Build implements Callable<Integer>, Resumable {
        @Option(names = "--shared-dir", defaultValue = "../shared/data/rrs", paramLabel = "DIR",
                description = "Folder with the authors' release (harmful.json, benign.json, SOURCE.md); default: ${DEFAULT-VALUE}. "
                        + "When it is missing, the repository's copy in --out is used.")
        Path sharedDir;

        @Option(names = "--out", defaultValue = "data/rrs", paramLabel = "DIR", description = "Output folder; default: ${DEFAULT-VALUE}.")
        Path out;

        @Option(names = "--train-voices", split = ",", paramLabel = "VOICE", description = "espeak-ng voices for train; default: en-us,en-gb.")
        List<String> trainVoices;

        @Option(names = "--train-rates", split = ",", paramLabel = "WPM", description = "Speaking rates (words/min) for train; default: 145,175.")
        List<Integer> trainRates;

        @Option(names = "--test-voices", split = ",", paramLabel = "VOICE",
                description = "espeak-ng voices for test; default: en-us+f3,en-gb-scotland.")
        List<String> testVoices;

        @Option(names = "--test-rates", split = ",", paramLabel = "WPM", description = "Speaking rates for test; default: 160.")
        List<Integer> testRates;

        @Option(names = "--test-fraction", defaultValue = "0.2", description = "Share of each category's texts in test; default: ${DEFAULT-VALUE}.")
        double testFraction;

        @Option(names = "--seed", defaultValue = "20250519", description = "Seed of the split; default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--jobs", defaultValue = "1", description = "Parallel synthesis processes; default: ${DEFAULT-VALUE}.")
        int jobs;

        @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
                description = "Synthesise only the first N prompts (alternating test/train) and the first N hearing sentences of each split, for a quick try; "
                        + "audio built earlier stays listed. 0 = all (default).")
        int limit;

        @Option(names = "--engines", split = ",", paramLabel = "ENGINE",
                description = "Speak with these synthesisers' voices instead of the espeak-ng voice plan: train texts in their training voices "
                        + "(espeak-ng variants, MBROLA, festival kal/ked diphones, flite kal16; each at 3 rates/pitches), test texts in their "
                        + "test voices (RHVoice, Pico). 'all' or a list of: espeak-ng, mbrola, flite, festival, rhvoice, pico. "
                        + "The --*-voices/--*-rates options then do not apply. data/README.md lists the voices and their Debian packages.")
        List<String> engines;

        @Option(names = "--hearing", paramLabel = "FILE",
                description = "Also speak these hearing sentences ('rrs data hearing' writes them, e.g. data/hearing/hearing.jsonl; needs --engines): "
                        + "the pretrain ones in training voices (the pretrain split), the validation ones in validation voices (the validation split).")
        Path hearing;

        @Option(names = "--splits", split = ",", paramLabel = "SPLIT",
                description = "With --engines: synthesise only these splits (train, test, pretrain, validation); the others' finished audio stays listed. "
                        + "Default: train,test, plus pretrain,validation with --hearing.")
        List<String> splits;

        @Option(names = "--renditions-per-sentence", defaultValue = "2", paramLabel = "N",
                description = "Voice/rate/pitch renditions per hearing sentence, a seeded spread over the split's renditions; default: ${DEFAULT-VALUE}.")
        int renditionsPerSentence;

        @Option(names = "--espeak", defaultValue = "espeak-ng", description = "espeak-ng executable; default: ${DEFAULT-VALUE}.")
        String espeak;

        @Option(names = "--sox", defaultValue = "sox", description = "sox executable; default: ${DEFAULT-VALUE}.")
        String sox;

        @CommandLine.Mixin
        CommonOptions.Progress progress;

        @Override
        public Integer call() throws Exception {
            DatasetBuilder.Options options = UsageException.fromOptions(() -> {
                VoicePlan d = VoicePlan.defaults();
                VoicePlan voices = new VoicePlan(trainVoices == null ? d.trainVoices() : trainVoices, trainRates == null ? d.trainRates() : trainRates,
                        testVoices == null ? d.testVoices() : testVoices, testRates == null ? d.testRates() : testRates);
                DatasetBuilder.EngineVoices engineVoices = null;
                if (engines != null) {
                    if (trainVoices != null || trainRates != null || testVoices != null || testRates != null) {
                        throw new IllegalArgumentException("--engines chooses the voices from the catalog; drop --train-voices, --train-rates, "
                                + "--test-voices and --test-rates");
                    }
                    List<String> spoken = splits != null ? splits : hearing != null ? List.of("train", "test", "pretrain", "validation") : List.of("train", "test");
                    engineVoices = new DatasetBuilder.EngineVoices(VoiceCatalog.debian(), engines.equals(List.of("all")) ? List.of() : engines,
                            new HashSet<>(spoken));
                } else if (splits != null) {
                    throw new IllegalArgumentException("--splits chooses among the engines' splits; add --engines");
                }
                DatasetBuilder.HearingPlan hearingPlan = hearing == null ? null : new DatasetBuilder.HearingPlan(resolve(hearing), renditionsPerSentence, seed);
                return new DatasetBuilder.Options(resolve(sharedDir), resolve(out), voices, new PromptSplit.Settings(testFraction, seed),
                        jobs, limit, new SpeechSynthesizer.Tools(espeak, sox), progress.show(), engineVoices, hearingPlan);
            });
            DatasetBuilder.Report report = new DatasetBuilder(options, System.err).build();
            System.out.println(report.summary());
            return ExitCodes.OK;
        }

        @Override
        public String resumeHint() {
            return "run it again to resume; finished utterances are kept";
        }
    }

    @Command(name = "hearing", mixinStandardHelpOptions = true,
            description = "Extract the hearing sentences (plain English, 4-25 words, deduplicated, none equal or near-equal to a dataset "
                    + "question) from Debian's text corpus packages into a JSONL file ('rrs data build --hearing' speaks them): the first "
                    + "--pretrain for the pretrain split, the next --validation for the validation split, balanced round robin over the "
                    + "sources, deterministic given the seed and the installed packages. data/install-voices.sh installs the packages.")
    static final class Hearing implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "data/hearing/hearing.jsonl", paramLabel = "FILE",
                description = "Where to write the sentences; default: ${DEFAULT-VALUE} (not committed: rebuilt from the packages).")
        Path out;

        @Option(names = "--data", defaultValue = "data/rrs", paramLabel = "DIR",
                description = "Folder with the dataset (harmful.json, benign.json) whose questions are kept out; default: ${DEFAULT-VALUE}.")
        Path data;

        @Option(names = "--pretrain", defaultValue = "10000", paramLabel = "N", description = "Sentences for the pretrain split; default: ${DEFAULT-VALUE}.")
        int pretrain;

        @Option(names = "--validation", defaultValue = "500", paramLabel = "N", description = "Further sentences for the validation split; default: ${DEFAULT-VALUE}.")
        int validation;

        @Option(names = "--sources", split = ",", paramLabel = "PACKAGE",
                description = "Corpus packages to read (default: all of fortunes-min, fortunes, wordnet-base, dict-gcide, dict-foldoc, sword-text-web, jargon-text).")
        List<String> sources;

        @Option(names = "--seed", defaultValue = "20250519", description = "Seed of the choice; default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() throws Exception {
            HearingSentences.Settings settings = UsageException.fromOptions(() ->
                    new HearingSentences.Settings(pretrain, validation, seed, sources == null ? List.of() : sources));
            HearingSentences.Result result = HearingSentences.extract(settings, resolve(data));
            Path target = resolve(out);
            HearingSentences.write(target, result.sentences());
            System.out.println(result.summary());
            System.out.println("wrote " + target);
            return ExitCodes.OK;
        }
    }

    @Command(name = "voices", mixinStandardHelpOptions = true,
            description = "List the synthesiser voices 'rrs data build --engines' speaks in: engine, voice, role (train, validation, test), "
                    + "whether it is installed here (else the Debian packages to install), and each engine's licence.")
    static final class Voices implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            VoiceCatalog catalog = VoiceCatalog.debian();
            for (VoiceCatalog.Voice v : catalog.voices()) {
                String state;
                try {
                    catalog.engine(v.engine()).checkAvailable(v.voice());
                    state = "installed";
                } catch (io.rrs.data.speech.EngineMissingException e) {
                    state = "missing: apt-get install " + catalog.engine(v.engine()).debianPackages(v.voice());
                }
                System.out.printf("%-10s %-24s %-10s %-11s %s%n", v.engine(), v.voice(), v.role().json(), state.equals("installed") ? state : "-",
                        state.equals("installed") ? v.why() : state);
            }
            System.out.println();
            for (String name : catalog.engineNames()) System.out.println(name + ": " + catalog.engine(name).licence());
            return ExitCodes.OK;
        }
    }

    @Command(name = "subset", mixinStandardHelpOptions = true,
            description = "Copy a small, deterministic subset of a built spoken dataset (how the bundled data/demo is made): per split N texts "
                    + "per class, seeded, harmful questions together with their benign rewrites, round robin over categories; one utterance "
                    + "per text (the preferred rate, voices alternating); WAVs copied byte for byte, manifest.jsonl in the same format, "
                    + "README.md saying how it was made.")
    static final class Subset implements Callable<Integer> {
        @Option(names = "--from", defaultValue = "data/rrs", paramLabel = "DIR", description = "Built dataset ('rrs data build'); default: ${DEFAULT-VALUE}.")
        Path from;

        @Option(names = "--out", defaultValue = "data/demo", paramLabel = "DIR", description = "Folder to create; default: ${DEFAULT-VALUE}.")
        Path out;

        @Option(names = "--train-texts-per-class", defaultValue = "16", paramLabel = "N",
                description = "Train texts per class (harmful, benign); default: ${DEFAULT-VALUE}.")
        int trainTexts;

        @Option(names = "--test-texts-per-class", defaultValue = "16", paramLabel = "N",
                description = "Test texts per class; default: ${DEFAULT-VALUE}.")
        int testTexts;

        @Option(names = "--train-rate", defaultValue = "175", paramLabel = "WPM",
                description = "Preferred speaking rate of the train utterances (shorter clips at 175); 0 = any; default: ${DEFAULT-VALUE}.")
        int trainRate;

        @Option(names = "--test-rate", defaultValue = "0", paramLabel = "WPM", description = "Preferred rate of the test utterances; 0 = any (default).")
        int testRate;

        @Option(names = "--seed", defaultValue = "20250519", description = "Seed of the choice; default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--percent", defaultValue = "0", paramLabel = "P",
                description = "Instead of the per-class counts: P percent of the texts of every split and class (at least one each), "
                        + "the pretrain and validation sentences included; one utterance per text. 0 = use the counts (default).")
        double percent;

        @Option(names = "--replace", description = "Replace --out if it exists (it is rebuilt in a temporary folder, then swapped in).")
        boolean replace;

        @Option(names = "--written-train", description = "Also add every other training question of --from as a written row (its text, no audio), "
                + "which the text-only condition trains on: a few hundred bytes a question instead of a WAV.")
        boolean writtenTrain;

        @Override
        public Integer call() throws Exception {
            String command = String.format(java.util.Locale.ROOT,
                    "./rrs data subset --from %s --out %s %s --train-rate %d --test-rate %d --seed %d%s",
                    from, out, percent > 0 ? "--percent " + percent : "--train-texts-per-class " + trainTexts + " --test-texts-per-class " + testTexts,
                    trainRate, testRate, seed, writtenTrain ? " --written-train" : "");
            DatasetSubset.Options options = UsageException.fromOptions(() ->
                    new DatasetSubset.Options(resolve(from), resolve(out), trainTexts, testTexts, trainRate, testRate, seed, replace, command, percent, writtenTrain));
            System.out.println(DatasetSubset.build(options).summary());
            return ExitCodes.OK;
        }
    }

    @Command(name = "tokenizer", mixinStandardHelpOptions = true,
            description = "Rebuild data/tokenizer/tokenizer.json (byte-level BPE in Qwen2's layout, 2048 ids, Qwen special "
                    + "tokens) from the dataset texts and the fixed prompts; the same data gives a byte-identical file.")
    static final class Tokenizer implements Callable<Integer> {
        @Option(names = "--data", defaultValue = "data/rrs", paramLabel = "DIR",
                description = "Folder with harmful.json and benign.json; default: ${DEFAULT-VALUE}.")
        Path data;

        @Option(names = "--out", defaultValue = "data/tokenizer/tokenizer.json", paramLabel = "FILE",
                description = "Where to write tokenizer.json; default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path target = resolve(out);
            TokenizerBuilder.buildProjectTokenizer(resolve(data), target);
            System.out.println("wrote " + target);
            return ExitCodes.OK;
        }
    }
}
