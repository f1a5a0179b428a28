package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.data.PromptSplit.Split;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Voice/rate plans (test combinations unheard in training) and the WAV header check used by resume. */
class VoicePlanAndWavTest {

    @Test
    void defaultPlanUsesAtLeastThreeVoicesAndTwoRatesWithDisjointTestCombos() {
        VoicePlan plan = VoicePlan.defaults();
        Set<String> voices = new HashSet<>(plan.trainVoices());
        voices.addAll(plan.testVoices());
        Set<Integer> rates = new HashSet<>(plan.trainRates());
        rates.addAll(plan.testRates());
        assertTrue(voices.size() >= 3, "voices " + voices);
        assertTrue(rates.size() >= 2, "rates " + rates);
        List<VoicePlan.Combo> train = plan.combos(Split.TRAIN);
        for (VoicePlan.Combo c : plan.combos(Split.TEST)) assertTrue(!train.contains(c), c + " is also a train combination");
        assertEquals(4, train.size());
        assertEquals("en-us_f3-160", plan.combos(Split.TEST).get(0).slug());
    }

    @Test
    void overlappingOrInvalidPlansFailWithTheFix() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new VoicePlan(List.of("en-us", "en-gb"), List.of(150), List.of("en-gb", "en-us+f3"), List.of(150, 170)));
        assertTrue(e.getMessage().contains("[en-gb@150]") && e.getMessage().contains("--test-voices"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> new VoicePlan(List.of("en us"), List.of(150), List.of("en-gb"), List.of(150)));
        assertTrue(bad.getMessage().contains("espeak-ng --voices"), bad.getMessage());
        var slow = assertThrows(IllegalArgumentException.class, () -> new VoicePlan(List.of("en-us"), List.of(20), List.of("en-gb"), List.of(150)));
        assertTrue(slow.getMessage().contains("80..450"), slow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VoicePlan(List.of(), List.of(150), List.of("en-gb"), List.of(150)));
    }

    static byte[] wav(int rate, int channels, int bits, int dataBytes, boolean extraChunk) {
        ByteBuffer b = ByteBuffer.allocate(12 + 24 + (extraChunk ? 10 : 0) + 8 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        if (extraChunk) b.put("LIST".getBytes()).putInt(2).put(new byte[2]);
        b.put("data".getBytes()).putInt(dataBytes);
        return b.array();
    }

    @Test
    void headerGivesFormatAndDurationAndSkipsOtherChunks(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("a.wav"), wav(16000, 1, 16, 32000, true));
        WavHeader h = WavHeader.read(f);
        assertTrue(h.isDatasetFormat());
        assertEquals(1.0, h.durationSeconds(), 1e-12);
        Path stereo = Files.write(dir.resolve("b.wav"), wav(22050, 2, 16, 88200, false));
        assertEquals(1.0, WavHeader.read(stereo).durationSeconds(), 1e-12);
        assertTrue(!WavHeader.read(stereo).isDatasetFormat());
    }

    @Test
    void truncatedOrForeignFilesAreRejected(@TempDir Path dir) throws IOException {
        byte[] whole = wav(16000, 1, 16, 32000, false);
        Path cut = Files.write(dir.resolve("cut.wav"), Arrays.copyOf(whole, whole.length - 100));
        var e = assertThrows(IOException.class, () -> WavHeader.read(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path text = Files.writeString(dir.resolve("x.wav"), "not audio at all");
        assertTrue(assertThrows(IOException.class, () -> WavHeader.read(text)).getMessage().contains("not a RIFF/WAVE"));
    }
}
