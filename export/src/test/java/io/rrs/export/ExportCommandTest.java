package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.cli.Rrs;
import io.rrs.guard.GuardManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rrs export} through the real command line (ServiceLoader registration), success and failure exits. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void registeredWithHelpText() {
        CommandLine export = Rrs.commandLine().getSubcommands().get("export");
        assertTrue(export != null, "rrs export is not registered; check META-INF/services/io.rrs.cli.CommandProvider");
        String usage = export.getUsageMessage();
        assertTrue(usage.contains("CHECKPOINT") && usage.contains("--out") && usage.contains("--lora") && usage.contains("parity"), usage);
    }

    @Test
    void failsWithExitOneAndTheDifferenceWhenParityDoesNotHold() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 31);
        Path out = tmp.resolve("out");
        // a tolerance no float32 graph can meet: the check must fail, name the difference, and leave no guard.json
        Captured c = run("export", ckpt.toString(), "--out", out.toString(), "--tolerance", "1e-12");
        assertEquals(1, c.exit(), c.err());
        assertTrue(c.err().contains("parity check failed") && c.err().contains("> 1.0e-12"), c.err());
        assertFalse(Files.exists(out.resolve(GuardManifest.FILE)));

        // without --tolerance the precision's own bound applies
        c = run("export", ckpt.toString(), "--out", out.toString(), "--precision", "fp16");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("parity: max |ONNX Runtime - libtorch|") && c.out().contains("<= 2.0e-02 (fp16 weights)"), c.out());
        assertTrue(Files.isRegularFile(out.resolve(GuardManifest.FILE)));
        assertEquals("fp16", GuardManifest.read(out).weightsPrecision());
    }

    @Test
    void unknownPrecisionIsABadOption() throws Exception {
        Captured c = run("export", tmp.toString(), "--out", tmp.resolve("out").toString(), "--precision", "int8");
        assertEquals(2, c.exit(), c.err());
        assertTrue(c.err().contains("unknown precision 'int8'; use fp32, fp16 or bf16"), c.err());
    }

    @Test
    void missingTokenizerIsNamed() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 32);
        Files.delete(ckpt.resolve("tokenizer.json"));
        Captured c = run("export", ckpt.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(1, c.exit());
        assertTrue(c.err().contains("tokenizer.json"), c.err());
    }

    private record Captured(int exit, String out, String err) {}

    private static Captured run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Rrs.commandLine().execute(args);
            return new Captured(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
