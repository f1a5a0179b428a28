package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class WhisperSinusoidsTest {
    @Test
    void theTableIsWhispersSinusoids() throws Exception {
        assumeTrue(PythonRunner.torchAvailable(), "python3-torch is needed for the reference");
        float[] ours = WhisperSinusoids.table(350, 64);
        String[] reference = PythonRunner.run(PythonRunner.script("whisper_positions_reference.py"), "350", "64").trim().split("\n");
        assertEquals(ours.length, reference.length);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - Double.parseDouble(reference[i])));
        assertEquals(0, worst, 1e-6, "largest difference from the reference");
    }

    @Test
    void randomInitGivesTheTowerThoseSinusoids() {
        Qwen2AudioConfig config = TinyModels.config();
        Tensor positions = RandomInit.weights(config, 3).get(Qwen2AudioLayout.AUDIO_POSITIONS);
        float[] expected = WhisperSinusoids.table(config.audio().maxSourcePositions(), config.audio().dModel());
        float[] got = new float[expected.length];
        positions.contiguous().data_ptr_float().get(got);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(got));
    }

    @Test
    void anOddWidthIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WhisperSinusoids.table(10, 63));
        assertEquals(true, e.getMessage().contains("d_model"));
    }
}
