package io.rrs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every {@code rrs} command, with all modules registered, fails through the one handler: the same exit
 * code for the same kind of failure ({@link ExitCodes}) and one message line that starts with the command.
 */
class CommandFailureTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String err) {
        List<String> lines() {
            return err.lines().toList();
        }
    }

    private static Run run(String... args) {
        CommandLine cl = Rrs.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, err.toString());
    }

    private static void collect(CommandLine cl, List<String> into) {
        into.add(cl.getCommandSpec().qualifiedName());
        for (CommandLine sub : cl.getSubcommands().values()) collect(sub, into);
    }

    @Test
    void everyCommandRejectsAnUnknownOptionWithTheUsageCode() {
        List<String> commands = new ArrayList<>();
        collect(Rrs.commandLine(), commands);
        assertTrue(commands.containsAll(List.of("rrs export", "rrs demo", "rrs eval", "rrs reshape train", "rrs sft train", "rrs pretrain",
                "rrs data build", "rrs guard screen", "rrs features")), commands.toString());
        for (String command : commands) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")).subList(1, command.split(" ").length));
            args.add("--no-such-option");
            Run r = run(args.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, r.exit(), command + ": " + r.err());
            // picocli names missing required options first, else the unknown one
            assertTrue(r.lines().get(0).startsWith(command + ": ") && (r.lines().get(0).contains("--no-such-option")
                    || r.lines().get(0).contains("Missing required")), command + ": " + r.err());
            assertEquals("'" + command + " --help' lists the options", r.lines().get(r.lines().size() - 1), command + ": " + r.err());
        }
    }

    @Test
    void aValueOutOfRangeIsAUsageErrorNamingTheOption() {
        Run eval = run("eval", "--model", tmp.resolve("m").toString(), "--out", tmp.resolve("o").toString(), "--batch-size", "0");
        assertEquals(ExitCodes.USAGE, eval.exit(), eval.err());
        assertEquals(List.of("rrs eval: --batch-size must be >= 1, got 0"), eval.lines());
        Run guard = run("guard", "respond", "--model", tmp.toString(), "--text", "hi", "--max-new-tokens", "0");
        assertEquals(ExitCodes.USAGE, guard.exit(), guard.err());
        assertTrue(guard.err().startsWith("rrs guard respond: --max-new-tokens 0"), guard.err());
        Run threads = run("export", tmp.toString(), "--out", tmp.resolve("x").toString(), "--threads", "0");
        assertEquals(ExitCodes.USAGE, threads.exit(), threads.err());
        assertTrue(threads.err().startsWith("rrs export: --threads 0"), threads.err());
        assertTrue(Files.notExists(tmp.resolve("x")), "nothing runs on a usage error");
    }

    @Test
    void anInputThatCannotBeUsedFailsWithOneLine() {
        Run export = run("export", tmp.resolve("no-model").toString(), "--out", tmp.resolve("x").toString());
        assertEquals(ExitCodes.FAILED, export.exit(), export.err());
        assertEquals(1, export.lines().size(), export.err());
        assertTrue(export.err().startsWith("rrs export: ") && export.err().contains("no-model"), export.err());

        Run tokenizer = run("data", "tokenizer", "--data", tmp.toString(), "--out", tmp.resolve("t.json").toString());
        assertEquals(ExitCodes.FAILED, tokenizer.exit(), tokenizer.err());
        assertTrue(tokenizer.err().startsWith("rrs data tokenizer: ") && tokenizer.err().contains("harmful.json"), tokenizer.err());
    }

    @Test
    void aResumableCommandAddsWhatARerunKeeps() {
        Run build = run("data", "build", "--out", tmp.resolve("o").toString(), "--shared-dir", tmp.resolve("none").toString(), "--no-progress");
        assertEquals(ExitCodes.FAILED, build.exit(), build.err());
        assertTrue(build.lines().get(0).startsWith("rrs data build: "), build.err());
        assertEquals("(run it again to resume; finished utterances are kept)", build.lines().get(build.lines().size() - 1), build.err());
    }

    @Test
    void aFolderThatIsNotARunFailsAndAnIncompleteRunIsCorrupt() throws Exception {
        Run none = run("reshape", "train", "--run", tmp.toString());
        assertEquals(ExitCodes.FAILED, none.exit(), none.err());
        assertEquals(1, none.lines().size(), none.err());
        assertTrue(none.err().startsWith("rrs reshape train: ") && none.err().contains("rrs reshape prepare"), none.err());

        Files.createDirectories(tmp.resolve("prepare")); // a prepare folder without its manifest: incomplete
        Run incomplete = run("reshape", "train", "--run", tmp.toString());
        assertEquals(ExitCodes.CORRUPT, incomplete.exit(), incomplete.err());
        assertEquals(1, incomplete.lines().size(), incomplete.err());
        assertTrue(incomplete.err().startsWith("rrs reshape train: ") && incomplete.err().contains("incomplete"), incomplete.err());
    }
}
