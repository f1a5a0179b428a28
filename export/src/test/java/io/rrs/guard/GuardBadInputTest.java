package io.rrs.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard under bad input: malformed WAV, nothing to screen, too-short audio, a tampered or
 * missing model file. Each is a GuardException whose message names the input (or a REFUSE verdict
 * carrying that message when fail-closed), and the guard keeps serving afterwards.
 */
class GuardBadInputTest {
    static GuardTestModel.Exported model;
    static Guard guard, failClosed;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        model = GuardTestModel.shared();
        guard = Guard.open(model.dir());
        failClosed = Guard.open(model.dir(), GuardOptions.defaults().withFailClosed(true));
    }

    @AfterAll
    static void tearDown() {
        guard.close();
        failClosed.close();
    }

    /** The query fails with a message containing every fragment, and fail-closed turns the same failure into REFUSE. */
    private static void failsClearly(GuardQuery q, String... fragments) {
        GuardException e = assertThrows(GuardException.class, () -> guard.screen(q));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + f + "\" missing from: " + e.getMessage());
        Verdict v = failClosed.screen(q);
        assertEquals(Verdict.Decision.REFUSE, v.decision());
        assertNotNull(v.error());
        for (String f : fragments) assertTrue(v.error().contains(f), "\"" + f + "\" missing from: " + v.error());
        assertEquals(Verdict.Decision.ALLOW, guard.screen(GuardQuery.text("hello")).decision(), "the guard still serves after a failure");
    }

    @Test
    void malformedWavNamesTheQueryAndTheProblem() {
        byte[] good = GuardTestModel.wav(GuardTestModel.tone(8000, 16000, 100, 1), 16000);
        failsClearly(GuardQuery.wav("not a wav file at all".getBytes(), "hi").withId("junk"), "query junk", "not a WAV file");
        failsClearly(GuardQuery.wav(Arrays.copyOf(good, 30), "").withId("cut"), "query cut");
        byte[] lying = good.clone();
        lying[20] = 85; // format code 85 (MP3) inside a WAV header
        failsClearly(GuardQuery.wav(lying, "").withId("mp3"), "query mp3");
    }

    @Test
    void emptyTextAndEmptyAudioTogetherIsNothingToScreen() {
        failsClearly(GuardQuery.wav(GuardTestModel.wav(new float[0], 16000), "  ").withId("empty"), "query empty", "holds no audio");
        failsClearly(GuardQuery.pcm(new float[0], 16000, ""), "nothing to screen");
        failsClearly(GuardQuery.text(""), "nothing to screen", "no audio");
    }

    @Test
    void audioTooShortOrOutOfRangeIsAnError() {
        failsClearly(GuardQuery.pcm(new float[100], 16000, "hi").withId("blip"), "query blip", "too short", "30 ms");
        failsClearly(GuardQuery.pcm(new float[] {0f, 2f, 0f}, 16000, ""), "outside [-1, 1]");
        failsClearly(GuardQuery.pcm(new float[1600], 16, ""), "sample rate 16 Hz");
    }

    @Test
    void aTamperedModelFileIsAHashMismatchNamingFileAndBothHashes() throws Exception {
        Path dir = GuardTestModel.copy(model.dir(), tmp.resolve("tampered"));
        byte[] bytes = Files.readAllBytes(dir.resolve("decoder.onnx"));
        bytes[bytes.length / 2] ^= 1; // one bit, same size
        Files.write(dir.resolve("decoder.onnx"), bytes);
        GuardException e = assertThrows(GuardException.class, () -> Guard.open(dir));
        String listed = GuardManifest.read(model.dir()).files().stream().filter(f -> f.path().equals("decoder.onnx")).findFirst().orElseThrow().sha256();
        assertTrue(e.getMessage().contains("SHA-256 mismatch") && e.getMessage().contains(dir.resolve("decoder.onnx").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(listed) && e.getMessage().contains(io.rrs.io.AtomicFiles.sha256(dir.resolve("decoder.onnx"))), e.getMessage());
    }

    @Test
    void aMissingFileOrManifestIsNamed() throws Exception {
        Path dir = GuardTestModel.copy(model.dir(), tmp.resolve("missing"));
        Files.delete(dir.resolve("encoder.onnx"));
        GuardException e = assertThrows(GuardException.class, () -> Guard.open(dir));
        assertTrue(e.getMessage().contains("missing file: " + dir.resolve("encoder.onnx")), e.getMessage());
        Files.delete(dir.resolve("guard.json"));
        e = assertThrows(GuardException.class, () -> Guard.open(dir));
        assertTrue(e.getMessage().contains("missing file: " + dir.resolve("guard.json")), e.getMessage());
        e = assertThrows(GuardException.class, () -> Guard.open(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aManifestThatDisagreesWithTheTokenizerIsRefused() throws Exception {
        Path dir = GuardTestModel.copy(model.dir(), tmp.resolve("ids"));
        Path m = dir.resolve("guard.json");
        int id = GuardManifest.read(dir).refusalTokenId();
        Files.writeString(m, Files.readString(m).replace("\"refusal_token_id\" : " + id, "\"refusal_token_id\" : " + (id + 1)));
        GuardException e = assertThrows(GuardException.class, () -> Guard.open(dir));
        assertTrue(e.getMessage().contains("refusal_token_id is " + (id + 1)), e.getMessage());
    }
}
