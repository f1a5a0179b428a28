package io.rrs.reshape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import io.rrs.model.safetensors.SafetensorsFile;
import io.rrs.model.safetensors.SafetensorsWriter;
import io.rrs.query.QueryEncoder;
import io.rrs.text.InputCondition;
import io.rrs.training.CorruptRunException;
import io.rrs.training.Query;
import io.rrs.training.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: the files of {@code RUN/prepare/}, written here for {@code rrs reshape prepare} and read back
 * after the format tag and SHA-256 checks: the frozen-model representations, the statistics and the
 * per-row training targets, with the queries in row order (harmful rows first, then benign).
 *
 * <p>Files: {@code representations.safetensors} (float32: {@code h0_harmful}, {@code h0_harmful_refusal},
 * {@code h0_benign}, {@code lm_head_row}, {@code delta_masked}, {@code h0} and {@code targets} per row,
 * {@code sign} +1/-1 per row), {@code statistics.json} (float64 means, delta, contributions, the mask),
 * {@code prepare.json} (format tag, settings, queries, file hashes; written last, {@link #write}).
 */
public record PreparedRun(Path dir, JsonNode manifest, JsonNode statistics, Map<String, Tensor> tensors, List<Query> queries) {
    public static final String DIR = "prepare";
    public static final String MANIFEST = "prepare.json";
    public static final String REPRESENTATIONS = "representations.safetensors";
    public static final String STATISTICS = "statistics.json";
    /** The format tag of {@link #MANIFEST}. */
    public static final String FORMAT = "rrs-reshape-prepare/1";

    /**
     * Writes {@code runDir/prepare} (atomically, {@link RunFiles#commit}): the tensors, the statistics, and
     * {@link #MANIFEST} with the format tag, then {@code settings}' fields (model, condition, queries, ...).
     */
    static void write(Path runDir, Map<String, Tensor> representations, ObjectNode statistics, ObjectNode settings) throws IOException {
        Path target = runDir.resolve(DIR);
        Path tmp = AtomicFiles.tempDirFor(target);
        SafetensorsWriter.write(tmp.resolve(REPRESENTATIONS), representations);
        RunFiles.writeJson(tmp.resolve(STATISTICS), statistics);
        ObjectNode manifest = RunFiles.JSON.createObjectNode().put(FormatTag.FIELD, FORMAT);
        manifest.setAll(settings);
        RunFiles.commit(tmp, target, MANIFEST, manifest);
    }

    /** Reads {@code runDir/prepare}, verifying every file; errors name the file and say to rerun prepare. */
    public static PreparedRun load(Path runDir) throws IOException {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir))
            throw new IOException("no " + DIR + "/ in run " + runDir + "; run 'rrs reshape prepare --run " + runDir + "' first");
        JsonNode manifest = RunFiles.verify(dir, MANIFEST, "prepared run", FORMAT,
                "prepare again with 'rrs reshape prepare' into a new --run DIR (the run's checkpoints were trained on these targets)");
        JsonNode statistics = RunFiles.JSON.readTree(dir.resolve(STATISTICS).toFile());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        SafetensorsFile file = SafetensorsFile.open(dir.resolve(REPRESENTATIONS));
        // clone: owned memory, independent of the file mapping
        for (String name : file.entries().keySet()) tensors.put(name, io.rrs.model.Tensors.keep(file.tensor(name).clone()));
        List<Query> queries = new ArrayList<>();
        for (JsonNode q : manifest.path("queries")) queries.add(Query.fromJson(q));
        if (queries.size() != tensors.get("targets").size(0))
            throw new CorruptRunException(dir + ": " + queries.size() + " queries but " + tensors.get("targets").size(0) + " target rows");
        return new PreparedRun(dir, manifest, statistics, tensors, queries);
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalStateException(dir.resolve(REPRESENTATIONS) + " lacks tensor " + name);
        return t;
    }

    public InputCondition condition() {
        return InputCondition.parse(manifest.path("condition").asText());
    }

    /** The audio padding prepare used (training uses the same, so inputs match the targets' making). */
    public QueryEncoder.AudioPadding audioPadding() {
        return QueryEncoder.AudioPadding.parse(manifest.path("audio_padding").asText("window"));
    }

    public Path modelDir() {
        return Path.of(manifest.path("model").asText());
    }

    /** SHA-256 of the model's config.json at prepare time (train checks it is the same model). */
    /** The front-end prepare encoded the queries with ({@code preprocessor_config.json}'s fields). */
    public com.fasterxml.jackson.databind.JsonNode frontEnd() {
        return manifest.path("front_end");
    }

    public String modelConfigSha256() {
        return manifest.path("model_config_sha256").asText();
    }

    /** Refuses {@code modelDir} when its config.json is not the one prepare used; {@code fix} says what to do instead. */
    public void requireSameModel(Path modelDir, String fix) throws IOException {
        if (!AtomicFiles.sha256(modelDir.resolve("config.json")).equals(modelConfigSha256()))
            throw new IOException(modelDir.resolve("config.json") + " differs from the model prepare used (" + modelDir() + "); " + fix);
    }

    /** Refuses a front-end ({@code PreprocessorConfig.toJson} of {@code modelDir}'s) other than the one prepare encoded with. */
    public void requireSameFrontEnd(Path modelDir, JsonNode frontEnd, String fix) throws IOException {
        if (!frontEnd.equals(frontEnd()))
            throw new IOException(modelDir + ": the front-end (" + PreprocessorConfig.FILE + ", or its default) is " + frontEnd
                    + ", prepare used " + frontEnd() + "; " + fix);
    }
}
