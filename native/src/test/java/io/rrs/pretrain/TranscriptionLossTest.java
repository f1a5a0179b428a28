package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.RandomInit;
import io.rrs.model.Weights;
import io.rrs.model.safetensors.SafetensorsFile;
import io.rrs.text.ChatTemplate;
import io.rrs.training.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transcribe task's CTC loss on the four-text fixture and a very small model: batching, where gradients go, learning. */
class TranscriptionLossTest {
    @TempDir
    Path tmp;

    @Test
    void aBatchIsTheMeanOfItsClipsAndOnlyTheAudioTowerAndProjectorGetGradients() throws Exception {
        Qwen2AudioConfig config = PretrainFixtures.tinySize().toConfig();
        Map<String, Tensor> weights = RandomInit.weights(config, 3);
        for (Tensor w : weights.values()) w.requires_grad_(true);
        Qwen2AudioModel model = new Qwen2AudioModel(config, new Weights(weights, null));
        PretrainFixtures.TranscriptionClips fixture = PretrainFixtures.transcriptionClips(tmp.resolve("data"), config);
        ChatTemplate template = fixture.template();
        List<PretrainMix.Example> clips = fixture.clips();
        PretrainBatcher batcher = fixture.batcher();
        PretrainBatcher.Transcription all = fixture.batch();
        Tensor batchLoss = TranscriptionLoss.loss(model, all.features(), all.validFrames(), all.targets(), template.padId());
        double mean = 0;
        for (PretrainMix.Example e : clips) {
            PretrainBatcher.Transcription one = batcher.transcription(List.of(e), 0);
            mean += TranscriptionLoss.loss(model, one.features(), one.validFrames(), one.targets(), template.padId()).item_double() / clips.size();
        }
        assertEquals(mean, batchLoss.item_double(), 1e-5 * mean, "padding clips to the longest must not change any clip's loss");
        assertTrue(mean > 1, "a random tower is far from its targets: " + mean);

        batchLoss.backward();
        List<String> withGradient = new ArrayList<>();
        weights.forEach((name, w) -> {
            if (w.grad().defined() && w.grad().abs().sum().item_double() > 0) withGradient.add(name);
        });
        assertFalse(withGradient.isEmpty());
        for (String name : withGradient)
            assertTrue(name.startsWith(Qwen2AudioLayout.AUDIO) || name.startsWith("multi_modal_projector."), name + " got a gradient");
        assertTrue(withGradient.contains(Qwen2AudioLayout.AUDIO + "conv1.weight") && withGradient.contains(Qwen2AudioLayout.PROJECTOR + "weight"),
                withGradient.toString());
    }

    @Test
    void aTranscribeStageLearnsAndLeavesTheTextSideUntouched() throws Exception {
        Path data = PretrainFixtures.dataset(tmp.resolve("data"));
        PretrainSettings base = PretrainFixtures.settings(data, tmp.resolve("run"), 40, 11);
        PretrainSettings s = new PretrainSettings(base.dataDir(), base.tokenizerFile(), base.outDir(), base.stateDir(), base.size(), base.epochs(), 40,
                base.batchSize(), base.learningRate(), base.warmupFraction(), base.minLearningRateRatio(), base.weightDecay(), base.clipNorm(), base.seed(),
                0, 1, null, 1, EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE), 0);
        List<Double> l = PretrainTrainer.train(s, false, Progress.none(), (step, loss) -> {}).losses();
        double start = (l.get(0) + l.get(1) + l.get(2)) / 3, end = (l.get(37) + l.get(38) + l.get(39)) / 3;
        assertTrue(end < 0.7 * start, "CTC loss should fall by 30% in 40 steps: " + l);

        Map<String, Tensor> init = RandomInit.weights(s.size().toConfig(), s.seed());
        SafetensorsFile written = SafetensorsFile.open(s.outDir().resolve("model.safetensors"));
        for (String name : written.entries().keySet()) {
            boolean audioSide = PretrainFixtures.trainedByHearing(name);
            boolean same = torch.equal(init.get(name), written.tensor(name));
            assertEquals(!audioSide, same, name + (audioSide ? " did not train" : " changed"));
        }
        assertEquals("audio-transcribe", PretrainFiles.settingsJson(s).get("tasks").asText());
    }
}
