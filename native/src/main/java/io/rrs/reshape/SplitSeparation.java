package io.rrs.reshape;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.PromptSplit;
import io.rrs.data.SourceDataset;
import io.rrs.data.SpokenDataset;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.io.AtomicFiles;
import io.rrs.model.Compute;
import io.rrs.model.OpenedModel;
import io.rrs.training.Progress;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import io.rrs.training.RunFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Scope: {@code rrs reshape separation}: how well the class means of a prepared run's training rows tell harmful from
 * benign queries of another split (the test split: unseen questions, and in a many-voice dataset unseen voices), at the
 * last prompt token of the same frozen model in the same condition and padding as prepare. This is the direction RRS
 * reshapes along, judged where it must generalise; {@link ClassSeparation} measures the training rows themselves.
 * Writes {@code RUN/}{@value #FILE}.
 */
public final class SplitSeparation {
    public static final String FILE = "separation.json";
    public static final String FORMAT = "rrs-reshape-separation/1";

    /** The balanced accuracy on {@code split}'s rows and how many there were. */
    public record Result(PromptSplit.Split split, double separated, int harmfulRows, int benignRows) {}

    private SplitSeparation() {}

    /** Measures {@code split}'s rows ({@code limitPerClass} a class, seeded as prepare's; 0 = all) against the run's training means. */
    public static Result measure(Path runDir, PromptSplit.Split split, int limitPerClass, int batchSize, Compute compute, Progress progress)
            throws IOException {
        PreparedRun prepared = PreparedRun.load(runDir);
        Path modelDir = prepared.modelDir(), dataDir = Path.of(prepared.manifest().path("data").asText());
        prepared.requireSameModel(modelDir, "measure the model prepare used, or prepare a new run");
        long seed = prepared.manifest().path("seed").asLong();
        SpokenDataset data = SpokenDataset.open(dataDir);
        List<Query> harmful = Query.split(data, split, SourceDataset.Label.HARMFUL, limitPerClass, seed, prepared.condition());
        List<Query> benign = Query.split(data, split, SourceDataset.Label.BENIGN, limitPerClass, seed, prepared.condition());
        if (harmful.isEmpty() || benign.isEmpty())
            throw new IOException(dataDir + " has " + harmful.size() + " harmful and " + benign.size() + " benign " + split.json()
                    + " utterances; both are needed (rebuild with 'rrs data build', or choose another --split)");
        try (OpenedModel opened = OpenedModel.open(modelDir, compute)) {
            prepared.requireSameFrontEnd(modelDir, PreprocessorConfig.toJson(opened.queries().frontEnd()),
                    "measure the model prepare used, or prepare a new run");
            opened.model().cacheAudioEmbeddings(QueryBatches.AUDIO_EMBEDDING_CACHE_BYTES);
            QueryBatches encoder = new QueryBatches(opened.queries(), prepared.audioPadding(), 0);
            long total = harmful.size() + benign.size();
            long[] done = {0};
            java.util.function.IntConsumer step = n -> progress.update(done[0] += n, total, "frozen representations");
            float[][] h = ReshapePrepare.rows(ReshapePrepare.representations(opened.model(), encoder, harmful, prepared.condition(), batchSize, false, step));
            float[][] b = ReshapePrepare.rows(ReshapePrepare.representations(opened.model(), encoder, benign, prepared.condition(), batchSize, false, step));
            double separated = ClassSeparation.judgedBy(ReshapePrepare.rows(prepared.tensor("h0_harmful")), ReshapePrepare.rows(prepared.tensor("h0_benign")), h, b);
            Result result = new Result(split, separated, h.length, b.length);
            ObjectNode o = RunFiles.JSON.createObjectNode();
            o.put("format", FORMAT).put("split", split.json()).put("condition", prepared.manifest().path("condition").asText())
                    .put("separated", separated).put("harmful_rows", h.length).put("benign_rows", b.length).put("limit_per_class", limitPerClass)
                    .put("rule", "midpoint of the training rows' class means along their difference, scored on this split (balanced accuracy)");
            AtomicFiles.writeString(runDir.resolve(FILE), RunFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
            return result;
        }
    }

    /** One line for the console. */
    public static String describe(Result r) {
        return String.format(java.util.Locale.ROOT, "%s split: %.1f %% of %d harmful + %d benign utterances on their class's side of the training rows' "
                + "class-mean midpoint", r.split().json(), 100 * r.separated(), r.harmfulRows(), r.benignRows());
    }
}
