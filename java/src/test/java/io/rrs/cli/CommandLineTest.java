package io.rrs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.audio.AudioLoader;
import io.rrs.frontend.KaldiFbank;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import io.rrs.io.Npy;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code rrs} commands of the runtime: output equals the library, failures are one clear line. */
class CommandLineTest {
    @TempDir Path dir;

    private Path example() throws Exception {
        Path wav = dir.resolve("example.wav");
        try (InputStream in = getClass().getResourceAsStream("/io/rrs/example/example.wav")) {
            Files.copy(in, wav);
        }
        return wav;
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Rrs.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void kaldiFeaturesEqualTheLibrary() throws Exception {
        Path wav = example(), npy = dir.resolve("f.npy");
        assertEquals(0, run("features", "--type", "kaldi-fbank", "--num-mel-bins", "80", wav.toString(), "--out", npy.toString()).exit());
        Npy.Array written = Npy.read(npy);
        float[][] expected = KaldiFbank.withMelBins(80).computeUnitRange(AudioLoader.load(wav).samples());
        assertArrayEquals(new int[] {expected.length, 80}, written.shape());
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], written.toFloatMatrix()[i]);
    }

    @Test
    void whisperFeaturesEqualTheLibrary() throws Exception {
        Path wav = example(), npy = dir.resolve("w.npy");
        assertEquals(0, run("features", "--type", "whisper-logmel", "--num-mel-bins", "80", wav.toString(), "--out", npy.toString()).exit());
        float[][] expected = new WhisperLogMel(WhisperOptions.ofMels(80).withPadOrTrim(false)).compute(AudioLoader.load(wav).samples());
        float[][] got = Npy.read(npy).toFloatMatrix();
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], got[i]);
    }

    @Test
    void badInputIsOneLineNamingTheFile() throws Exception {
        Path junk = dir.resolve("junk.wav");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        Run r = run("features", "--type", "kaldi-fbank", junk.toString(), "--out", dir.resolve("x.npy").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("rrs features: ") && r.err().contains("junk.wav"), r.err());
        assertTrue(r.err().lines().count() == 1, "one line, no stack trace: " + r.err());

        Run missing = run("features", "--type", "kaldi-fbank", dir.resolve("nope.wav").toString(), "--out", dir.resolve("x.npy").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file") && missing.err().contains("nope.wav"), missing.err());
    }

    @Test
    void unknownTypeIsAUsageError() {
        Run r = run("features", "--type", "mfcc", "in.wav", "--out", "out.npy");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown feature type 'mfcc'"), r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : Rrs.commandLine().getSubcommands().keySet()) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.exit(), cmd);
            assertTrue(r.out().contains("Usage: rrs " + cmd), cmd + ": " + r.out());
        }
    }

    @Test
    void demoWithoutTheExporterSaysWhatItNeeds() {
        // the runtime alone has only the placeholder; rrs-export replaces it with the pipeline (DemoCommandTest there)
        Run r = run("demo");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("rrs-export") && r.err().lines().count() == 1, r.err());
    }
}
