package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.cli.Rrs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The data command as users reach it: registered in rrs, with help, exit codes and the tokenizer rebuild. */
class DataCommandTest {

    @Test
    void dataIsASubcommandOfRrsWithHelp() {
        CommandLine rrs = Rrs.commandLine();
        assertTrue(rrs.getSubcommands().containsKey("data"), "found through META-INF/services/io.rrs.cli.CommandProvider");
        CommandLine data = rrs.getSubcommands().get("data");
        assertTrue(data.getSubcommands().keySet().containsAll(java.util.List.of("build", "subset", "tokenizer")));
        String usage = data.getSubcommands().get("build").getUsageMessage();
        assertTrue(usage.contains("--limit") && usage.contains("apt-get install espeak-ng sox"), usage);
    }

    @Test
    void invalidPlanAndMissingEspeakExitNonZero(@TempDir Path tmp) {
        CommandLine rrs = Rrs.commandLine();
        int overlap = rrs.execute("data", "build", "--out", tmp.toString(), "--test-voices", "en-us", "--test-rates", "145");
        assertEquals(2, overlap);
        int missing = rrs.execute("data", "build", "--out", tmp.resolve("o").toString(), "--shared-dir", TestData.repoDataDir().toString(),
                "--limit", "1", "--espeak", tmp.resolve("nope").toString(), "--no-progress");
        assertEquals(1, missing, "a missing tool fails like any unusable input");
    }

    @Test
    void tokenizerCommandRebuildsTheCommittedFile(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("tokenizer.json");
        int rc = Rrs.commandLine().execute("data", "tokenizer", "--data", TestData.repoDataDir().toString(), "--out", out.toString());
        assertEquals(0, rc);
        assertEquals(Files.readString(TestData.repoRoot().resolve("data/tokenizer/tokenizer.json")), Files.readString(out));
    }
}
