package io.rrs.reshape;

import io.rrs.training.TrainingFixtures;
import io.rrs.training.CorruptRunException;
import io.rrs.training.FormatTags;
import io.rrs.training.Progress;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import io.rrs.model.OpenedModel;
import io.rrs.query.QueryEncoder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.ReferenceLosses;
import io.rrs.kernels.RrsObjective;
import io.rrs.model.Tensors;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rrs reshape prepare} on a random tiny model and a synthetic spoken dataset: the saved delta,
 * contributions, mask and targets equal a direct computation (libtorch float64 ops) on the saved
 * representations, and the representations are the model's h(x) for the prompts the method names.
 */
class ReshapePrepareTest {
    @TempDir
    static Path tmp;
    static Path model, data;

    @BeforeAll
    static void fixtures() throws IOException {
        model = TrainingFixtures.model(tmp.resolve("model"), 21);
        data = TrainingFixtures.dataset(tmp.resolve("data"), 5);
    }

    private static PrepareConfig config(String run, FeatureMask mask, RrsObjective.Path path) {
        return new PrepareConfig(model, data, tmp.resolve(run), InputCondition.AUDIO_TEXT, mask, 0, 3, 7, path);
    }

    @Test
    void savedStatisticsAndTargetsEqualADirectComputation() throws Exception {
        PreparedRun run = ReshapePrepare.run(config("run-positive", FeatureMask.positive(), RrsObjective.Path.FUSED), Progress.none());
        assertEquals(10, run.queries().size());
        assertTrue(run.queries().subList(0, 5).stream().allMatch(Query::harmful), "harmful rows first");
        assertTrue(run.queries().stream().noneMatch(q -> q.id().startsWith("h999")), "test-split utterances are not used");
        try (PointerScope scope = new PointerScope()) {
            Tensor harmful = run.tensor("h0_harmful"), refusal = run.tensor("h0_harmful_refusal"), benign = run.tensor("h0_benign");
            Tensor lmRow = run.tensor("lm_head_row");
            Tensor[] direct = ReferenceLosses.classStatistics(refusal, benign, lmRow, FeatureMask.positive());
            JsonNode stats = run.statistics();
            assertEquals(40, stats.path("refusal_token_id").asInt(), "\"I\" is id 40 in the project tokenizer");
            assertDoubles(direct[0], stats.path("mean_harmful_refusal"), 1e-12);
            assertDoubles(direct[1], stats.path("mean_benign"), 1e-12);
            assertDoubles(direct[2], stats.path("delta"), 1e-12);
            assertDoubles(direct[3], stats.path("contributions"), 1e-12);
            long[] mask = Tensors.toLongs(direct[4]);
            for (int j = 0; j < mask.length; j++) assertEquals(mask[j] != 0, stats.path("mask").get(j).asBoolean(), "mask feature " + j);
            long kept = java.util.Arrays.stream(mask).sum();
            assertTrue(kept > 0 && kept < mask.length, "the positive mask keeps some features, not all: " + kept);
            Tensor deltaMasked = direct[2].mul(direct[4].to(torch.ScalarType.Double)).to(torch.ScalarType.Float);
            assertClose(deltaMasked, run.tensor("delta_masked"), 1e-7);
            Tensor expected = torch.cat(new org.bytedeco.pytorch.TensorVector(harmful.add(deltaMasked.unsqueeze(0)), benign.sub(deltaMasked.unsqueeze(0))), 0);
            assertClose(expected, run.tensor("targets"), 1e-6);
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, -1, -1, -1, -1, -1}, Tensors.toFloats(run.tensor("sign")));
            // class separation, recomputed with libtorch ops on the saved rows
            Tensor h = harmful.to(torch.ScalarType.Double), b = benign.to(torch.ScalarType.Double);
            Tensor mh = h.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()), mb = b.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
            Tensor diff = mh.sub(mb), mid = mh.add(mb).div(Tensors.scalar(2));
            JsonNode sep = stats.path("class_separation");
            assertEquals(diff.norm().item_double(), sep.path("mean_distance").asDouble(), 1e-9);
            double squares = h.sub(mh).pow(Tensors.scalar(2)).sum().item_double() + b.sub(mb).pow(Tensors.scalar(2)).sum().item_double();
            assertEquals(Math.sqrt(squares / 10), sep.path("spread").asDouble(), 1e-9);
            double harmfulRight = h.sub(mid).matmul(diff).gt(Tensors.scalar(0)).to(torch.ScalarType.Double).mean().item_double();
            double benignRight = b.sub(mid).matmul(diff).lt(Tensors.scalar(0)).to(torch.ScalarType.Double).mean().item_double();
            assertEquals((harmfulRight + benignRight) / 2, sep.path("separated").asDouble(), 1e-12);
            double heldOut = sep.path("held_out").asDouble(-1);
            assertTrue(heldOut >= 0 && heldOut <= 1, "a held-out measure over the five questions a class: " + sep.path("held_out"));
            // the refusal instruction really changes the representation
            assertTrue(refusal.sub(harmful).abs().max().item_double() > 1e-3);
        }
    }

    @Test
    void theTrainingMeansJudgeASplitAndTheTrainingRowsAsPrepareDid() throws Exception {
        PreparedRun run = ReshapePrepare.run(config("run-separation", FeatureMask.positive(), RrsObjective.Path.FUSED), Progress.none());
        // the training rows again, judged by their own class means: prepare's in-sample figure, recomputed from fresh states
        SplitSeparation.Result train = SplitSeparation.measure(run.dir().getParent(), io.rrs.data.PromptSplit.Split.TRAIN, 0, 4,
                io.rrs.model.Compute.CPU, Progress.none());
        assertEquals(run.statistics().path("class_separation").path("separated").asDouble(), train.separated(), 1e-12);
        assertEquals(5, train.harmfulRows());
        JsonNode written = io.rrs.training.RunFiles.JSON.readTree(run.dir().getParent().resolve(SplitSeparation.FILE).toFile());
        assertEquals(SplitSeparation.FORMAT, written.path("format").asText());
        assertEquals(train.separated(), written.path("separated").asDouble(), 0);
        // the fixture's test split holds one harmful utterance and no benign one
        IOException none = assertThrows(IOException.class, () -> SplitSeparation.measure(run.dir().getParent(), io.rrs.data.PromptSplit.Split.TEST,
                0, 4, io.rrs.model.Compute.CPU, Progress.none()));
        assertTrue(none.getMessage().contains("1 harmful and 0 benign test utterances"), none.getMessage());
    }

    /**
     * Written rows (questions without audio) are training rows of the text-only condition only: prepare records them
     * without a wav and reads them back, training runs on them, and an audio condition neither selects nor accepts them.
     */
    @Test
    void writtenRowsTrainTheTextOnlyConditionOnly() throws Exception {
        Path withWritten = TrainingFixtures.dataset(tmp.resolve("data-written"), 5);
        List<io.rrs.data.Manifest.Entry> entries = new java.util.ArrayList<>(io.rrs.data.Manifest.read(withWritten.resolve(io.rrs.data.Manifest.FILE)));
        entries.add(io.rrs.data.Manifest.Entry.written("h7-written", "h7", "How do I poison a river?", "harmful", "test_category", "train"));
        entries.add(io.rrs.data.Manifest.Entry.written("b7-written", "b7", "How do I clean a river?", "benign", "test_category", "train"));
        entries.add(io.rrs.data.Manifest.Entry.written("b8-written", "b8", "How do I fish in a river?", "benign", "test_category", "train"));
        io.rrs.data.Manifest.write(withWritten.resolve(io.rrs.data.Manifest.FILE), entries);

        PreparedRun text = ReshapePrepare.run(new PrepareConfig(model, withWritten, tmp.resolve("run-written-text"), InputCondition.TEXT_ONLY,
                FeatureMask.positive(), 0, 3, 7, RrsObjective.Path.FUSED), Progress.none());
        assertEquals(13, text.queries().size());
        assertEquals(List.of("h7-written"), text.queries().stream().filter(q -> !q.spoken()).filter(Query::harmful).map(Query::id).toList());
        assertEquals(2, text.queries().stream().filter(q -> !q.spoken() && !q.harmful()).count());
        assertEquals(6, text.tensor("h0_harmful").size(0));
        assertTrue(PreparedRun.load(text.dir().getParent()).queries().stream().filter(q -> q.id().endsWith("-written")).allMatch(q -> q.wav() == null));
        ReshapeTrainer.Result trained = ReshapeTrainer.train(new io.rrs.training.TrainConfig(text.dir().getParent(), null, io.rrs.training.LoraConfig.DEFAULT,
                new io.rrs.training.AdamWConfig(1e-3, 0.9, 0.98, 1e-8, 0.001, 1.0), 4, 1, 1, 99, true, RrsObjective.Path.FUSED, 0), null, Progress.none(), (st, l) -> {});
        assertEquals(13, trained.samplesThisRun(), "one epoch over every row, written ones included");

        PreparedRun audio = ReshapePrepare.run(new PrepareConfig(model, withWritten, tmp.resolve("run-written-audio"), InputCondition.AUDIO_TEXT,
                FeatureMask.positive(), 0, 3, 7, RrsObjective.Path.FUSED), Progress.none());
        assertEquals(10, audio.queries().size());
        assertTrue(audio.queries().stream().allMatch(Query::spoken));
        QueryBatches encoder = new QueryBatches(OpenedModel.open(model).queries(), QueryEncoder.AudioPadding.WINDOW, 0);
        Query written = text.queries().stream().filter(q -> !q.spoken()).findFirst().orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(List.of(written), InputCondition.AUDIO_ONLY, List.of(Prompts.AUDIO_TEXT_INSTRUCTION), false));
        assertTrue(e.getMessage().contains(written.id()) && e.getMessage().contains("text-only"), e.getMessage());
    }

    @Test
    void representationsAreTheModelsLastTokenStateForTheMethodsPrompts() throws Exception {
        PreparedRun run = ReshapePrepare.run(config("run-direct", FeatureMask.positive(), RrsObjective.Path.REFERENCE), Progress.none());
        OpenedModel opened = OpenedModel.open(model);
        QueryBatches encoder = new QueryBatches(opened.queries(), QueryEncoder.AudioPadding.WINDOW, 0);
        Query first = run.queries().get(0), lastBenign = run.queries().get(9);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            // one query alone (no batch padding) must give the batched row: left padding does not leak
            Tensor h = opened.model().lastTokenHidden(encoder.encode(List.of(first), InputCondition.AUDIO_TEXT,
                    List.of(Prompts.AUDIO_TEXT_INSTRUCTION), true));
            assertClose(h.squeeze(0), run.tensor("h0_harmful_refusal").select(0, 0), 1e-4);
            Tensor b = opened.model().lastTokenHidden(encoder.encode(List.of(lastBenign), InputCondition.AUDIO_TEXT,
                    Collections.nCopies(1, Prompts.AUDIO_TEXT_INSTRUCTION), false));
            assertClose(b.squeeze(0), run.tensor("h0_benign").select(0, 4), 1e-4);
        }
    }

    @Test
    void batchPaddingGivesRowsThatDoNotDependOnTheirBatch() throws Exception {
        PreparedRun run = ReshapePrepare.run(new PrepareConfig(model, data, tmp.resolve("run-batch-padding"), InputCondition.AUDIO_TEXT,
                FeatureMask.positive(), 0, 5, 7, RrsObjective.Path.FUSED, QueryEncoder.AudioPadding.BATCH), Progress.none());
        assertEquals(QueryEncoder.AudioPadding.BATCH, run.audioPadding());
        OpenedModel opened = OpenedModel.open(model);
        QueryBatches encoder = new QueryBatches(opened.queries(), QueryEncoder.AudioPadding.BATCH, 0);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int row : new int[] {0, 3}) { // rows of different clip lengths, batched with longer and shorter clips
                var in = encoder.encode(List.of(run.queries().get(row)), InputCondition.AUDIO_TEXT, List.of(Prompts.AUDIO_TEXT_INSTRUCTION), false);
                assertTrue(in.audioFeatures().size(2) < opened.model().config().audio().maxFrames(), "padded only to the clip");
                assertClose(opened.model().lastTokenHidden(in).squeeze(0), run.tensor("h0_harmful").select(0, row), 1e-4);
            }
        }
    }

    @Test
    void topPercentMaskKeepsTheLargestContributions() throws Exception {
        PreparedRun run = ReshapePrepare.run(config("run-top", FeatureMask.topPercent(25), RrsObjective.Path.FUSED), Progress.none());
        JsonNode stats = run.statistics();
        assertEquals(12, stats.path("kept_features").asInt(), "25% of 48 features");
        double smallestKept = Double.POSITIVE_INFINITY, largestDropped = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < TrainingFixtures.HIDDEN; j++) {
            double c = stats.path("contributions").get(j).asDouble();
            if (stats.path("mask").get(j).asBoolean()) smallestKept = Math.min(smallestKept, c);
            else largestDropped = Math.max(largestDropped, c);
        }
        assertTrue(smallestKept >= largestDropped, "kept " + smallestKept + " < dropped " + largestDropped);
    }

    @Test
    void aPreparedRunIsNotOverwrittenAndAModifiedFileIsNamed() throws Exception {
        PrepareConfig c = config("run-guard", FeatureMask.positive(), RrsObjective.Path.FUSED);
        ReshapePrepare.run(c, Progress.none());
        IOException again = assertThrows(IOException.class, () -> ReshapePrepare.run(c, Progress.none()));
        assertTrue(again.getMessage().contains("already exists"), again.getMessage());
        FormatTags.assertOwned(tmp.resolve("run-guard/prepare").resolve(PreparedRun.MANIFEST), PreparedRun.FORMAT, "rrs reshape prepare",
                () -> PreparedRun.load(tmp.resolve("run-guard")));
        Path stats = tmp.resolve("run-guard/prepare/statistics.json");
        Files.writeString(stats, Files.readString(stats).replaceFirst("\"delta\" : \\[ ", "\"delta\" : [ 1"));
        CorruptRunException e = assertThrows(CorruptRunException.class, () -> PreparedRun.load(tmp.resolve("run-guard")));
        assertTrue(e.getMessage().contains("statistics.json"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> PreparedRun.load(tmp.resolve("nothing-here")));
        assertTrue(missing.getMessage().contains("rrs reshape prepare"), missing.getMessage());
    }

    static void assertDoubles(Tensor expected, JsonNode actual, double tolerance) {
        Tensor e = expected.to(torch.ScalarType.Double).contiguous();
        double[] v = new double[(int) e.numel()];
        new org.bytedeco.javacpp.DoublePointer(e.data_ptr()).capacity(v.length).get(v);
        assertEquals(v.length, actual.size());
        for (int i = 0; i < v.length; i++) assertEquals(v[i], actual.get(i).asDouble(), tolerance * Math.max(1, Math.abs(v[i])), "element " + i);
    }

    static void assertClose(Tensor expected, Tensor actual, double tolerance) {
        assertArrayEquals(Tensors.shape(expected), Tensors.shape(actual));
        double diff = expected.to(torch.ScalarType.Double).sub(actual.to(torch.ScalarType.Double)).abs().max().item_double();
        assertTrue(diff <= tolerance, "max difference " + diff + " > " + tolerance);
    }
}
