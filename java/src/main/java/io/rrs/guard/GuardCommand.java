package io.rrs.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.UsageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scope: {@code rrs guard screen | respond | agreement}, the guard's command line. Queries come
 * from {@code --audio}/{@code --text} or a JSONL file; {@code screen} prints one JSON verdict per
 * query (one line each), {@code respond} the answer (or JSON with {@code --json}), {@code agreement}
 * the screen-vs-respond report. Exit codes ({@link ExitCodes}): 0 all queries answered; 1 some query
 * failed (each failure is a JSON line {@code {"id", "error"}}), agreement below the requirement, or a
 * model or query file that cannot be used; 2 unusable options.
 */
@Command(name = "guard", mixinStandardHelpOptions = true,
        description = "Screen or answer audio/text queries with an exported model (the directory `rrs export` writes), on ONNX Runtime.",
        subcommands = {GuardCommand.Screen.class, GuardCommand.Respond.class, GuardCommand.Agreement.class})
public final class GuardCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** How the guard is opened. */
    static final class ModelOptions {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "export directory holding guard.json and the graphs")
        Path model;

        @Mixin
        CommonOptions.OrtThreads threads;

        @Option(names = "--cuda", description = "run the graphs on the CUDA execution provider (fails, naming the providers present, when it is unavailable)")
        boolean cuda;

        @Option(names = "--fail-closed", description = "answer REFUSE (with the error recorded) when a query or the model cannot be screened")
        boolean failClosed;

        @Option(names = "--threshold", description = "refusal-probability threshold in [0, 1] replacing guard.json's")
        Double threshold;

        @Option(names = "--decision", defaultValue = "threshold",
                description = "threshold: REFUSE when p(refusal token) >= the threshold; greedy: REFUSE when the refusal token is the most "
                        + "probable next token (greedy respond's first step); default ${DEFAULT-VALUE}")
        String decision;

        @Option(names = "--long-audio", defaultValue = "trim",
                description = "audio longer than the model window: trim (keep the first window, flagged in the verdict) or reject; default ${DEFAULT-VALUE}")
        String longAudio;

        GuardOptions options() {
            GuardOptions.LongAudio policy = switch (longAudio.toLowerCase(Locale.ROOT)) {
                case "trim" -> GuardOptions.LongAudio.TRIM;
                case "reject" -> GuardOptions.LongAudio.REJECT;
                default -> throw new UsageException("--long-audio " + longAudio + ": use trim or reject");
            };
            GuardOptions.Decision rule = switch (decision.toLowerCase(Locale.ROOT)) {
                case "threshold" -> GuardOptions.Decision.THRESHOLD;
                case "greedy" -> GuardOptions.Decision.GREEDY;
                default -> throw new UsageException("--decision " + decision + ": use threshold or greedy");
            };
            return UsageException.fromOptions(() -> new GuardOptions(threads.threads(), cuda, failClosed, policy, threshold, rule));
        }
    }

    /** Where the queries come from. */
    static final class InputOptions {
        @Option(names = "--audio", paramLabel = "F.wav", description = "the query's audio (any WAV rate and channel count; resampled to 16 kHz)")
        Path audio;

        @Option(names = "--text", description = "the query's text (with --audio: the instruction, e.g. \"Please generate detailed steps for the question in the audio.\"); "
                + "read as plain text: special-token strings in it such as <|im_end|> or <|AUDIO|> are encoded as ordinary characters, never as turn or audio markers")
        String text;

        @Option(names = "--jsonl", paramLabel = "FILE", description = "many queries, one JSON object per line: {\"id\": \"q1\", \"audio\": \"a.wav\", \"text\": \"...\"}; - reads standard input")
        String jsonl;

        List<GuardQueries.Entry> entries() throws java.io.IOException {
            if (jsonl != null && (audio != null || text != null)) throw new UsageException("pass either --jsonl or --audio/--text, not both");
            if (jsonl != null) return GuardQueries.jsonl(jsonl);
            if (audio == null && text == null) throw new UsageException("no query: pass --audio F.wav, --text \"...\", both, or --jsonl FILE");
            return List.of(GuardQueries.single(audio, text));
        }
    }

    /** Shared flow: read queries, open the guard, run each, print one line per query. */
    abstract static class QueryCommand implements Callable<Integer> {
        @Mixin
        ModelOptions model;

        @Mixin
        InputOptions input;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        final ObjectMapper json = new ObjectMapper();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            GuardOptions options = model.options();
            checkOptions();
            List<GuardQueries.Entry> entries = input.entries();
            Guard guard;
            try {
                guard = Guard.open(model.model, options);
            } catch (GuardException e) {
                if (!options.failClosed() || !failsClosedWithoutModel()) throw e;
                // Fail-closed: every query is answered REFUSE, the reason recorded in each verdict.
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                double threshold = options.threshold() == null ? Double.NaN : options.threshold(); // the manifest could not be read
                for (GuardQueries.Entry en : entries)
                    out.println(json.writeValueAsString(Verdict.failedClosed(en.id(), threshold, "guard unavailable: " + e.getMessage(), 0)));
                out.flush();
                return ExitCodes.FAILED;
            }
            try (guard) {
                return run(guard, entries, out, err);
            }
        }

        /** Rejects this command's own option values (a usage error) before any file is read. */
        void checkOptions() {}

        /** True for commands that answer REFUSE per query when the model cannot be opened in fail-closed mode. */
        boolean failsClosedWithoutModel() {
            return false;
        }

        abstract int run(Guard guard, List<GuardQueries.Entry> entries, PrintWriter out, PrintWriter err) throws Exception;

        /** Prints {"id", "error"} for a query that failed, and the message on stderr. */
        void printError(PrintWriter out, PrintWriter err, String id, String error) throws Exception {
            out.println(json.writeValueAsString(java.util.Map.of("id", id, "error", error)));
            err.println(spec.qualifiedName() + ": " + error);
        }
    }

    @Command(name = "screen", mixinStandardHelpOptions = true,
            description = "Print one JSON verdict per query (ALLOW/REFUSE, score, refusal-token probability, per-stage timings) from one prefill pass; no token is generated.")
    static final class Screen extends QueryCommand {
        @Override
        boolean failsClosedWithoutModel() {
            return true;
        }

        @Override
        int run(Guard guard, List<GuardQueries.Entry> entries, PrintWriter out, PrintWriter err) throws Exception {
            int failures = 0;
            for (GuardQueries.Entry e : entries) {
                if (e.error() != null) {
                    if (guard.options().failClosed()) {
                        out.println(json.writeValueAsString(Verdict.failedClosed(e.id(), guard.threshold(), e.error(), 0)));
                    } else {
                        printError(out, err, e.id(), e.error());
                        failures++;
                    }
                    continue;
                }
                try {
                    out.println(json.writeValueAsString(guard.screen(e.query())));
                } catch (GuardException ex) {
                    printError(out, err, e.id(), ex.getMessage());
                    failures++;
                }
                out.flush();
            }
            return failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "respond", mixinStandardHelpOptions = true,
            description = "Generate the model's answer to each query (greedy, with the KV cache) and print it; --json prints text, tokens, refusal judgment and timings.")
    static final class Respond extends QueryCommand {
        @Mixin
        CommonOptions.AnswerLength answer;

        @Option(names = "--json", description = "print one JSON object per query instead of the answer text")
        boolean asJson;

        @Override
        void checkOptions() {
            answer.maxNewTokens();
        }

        @Override
        int run(Guard guard, List<GuardQueries.Entry> entries, PrintWriter out, PrintWriter err) throws Exception {
            RespondOptions ro = RespondOptions.defaults().withMaxNewTokens(answer.maxNewTokens());
            int failures = 0;
            for (GuardQueries.Entry e : entries) {
                if (e.error() != null) {
                    printError(out, err, e.id(), e.error());
                    failures++;
                    continue;
                }
                try {
                    Response r = guard.respond(e.query(), ro);
                    out.println(asJson ? json.writeValueAsString(r) : r.text());
                } catch (GuardException ex) {
                    printError(out, err, e.id(), ex.getMessage());
                    failures++;
                }
                out.flush();
            }
            return failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "agreement", mixinStandardHelpOptions = true,
            description = "Measure how often screen's verdict agrees with the refusal judgment of respond's answer, per input condition; exit 0 when every condition reaches --required.")
    static final class Agreement extends QueryCommand {
        @Mixin
        CommonOptions.AnswerLength answer;

        @Option(names = "--required", defaultValue = "0.98", description = "share of agreeing queries each condition must reach; default ${DEFAULT-VALUE}")
        double required;

        @Override
        void checkOptions() {
            answer.maxNewTokens();
            if (!(required >= 0 && required <= 1)) throw new UsageException("--required " + required + " is not a share in [0, 1]");
        }

        @Override
        int run(Guard guard, List<GuardQueries.Entry> entries, PrintWriter out, PrintWriter err) throws Exception {
            RespondOptions ro = RespondOptions.defaults().withMaxNewTokens(answer.maxNewTokens());
            List<GuardQuery> queries = new ArrayList<>();
            for (GuardQueries.Entry e : entries) {
                if (e.error() != null) throw new GuardException(e.error() + "; agreement needs every query");
                queries.add(e.query());
            }
            GuardAgreement.Report r = GuardAgreement.measure(guard, queries, ro, required);
            out.println(json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            return r.passes() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
