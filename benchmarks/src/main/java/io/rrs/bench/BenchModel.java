package io.rrs.bench;

import io.rrs.export.ExportOptions;
import io.rrs.export.Exporter;
import io.rrs.export.LoraMerge;
import io.rrs.export.PeftAdapters;
import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardPeer;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.RespondOptions;
import io.rrs.guard.Response;
import io.rrs.io.AtomicFiles;
import io.rrs.model.GenerationOptions;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.reshape.PreparedRun;
import io.rrs.text.ChatTemplate;
import io.rrs.text.Prompts;
import io.rrs.aligned.AlignedRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: which model the guard and engine benchmarks time, one checkpoint for both engines.
 * {@code -Drrs.bench.model=DIR} (config.json, model.safetensors, tokenizer.json) with optional
 * {@code -Drrs.bench.lora=RUN} (a reshape run or checkpoint, or a PEFT directory) is exported once
 * with rrs-export into {@code benchmarks/target/engine-bench/<sha256 of its files>}; libtorch loads
 * the same checkpoint with the LoRA merged the exporter's way, so both engines run identical weights.
 * Without the property: {@link GuardBenchFixture}'s random model, so the benchmarks always run.
 *   java -cp ... io.rrs.bench.BenchModel [OUT.json]   (export, then check both engines agree)
 */
public final class BenchModel {
    /** A random model has no natural stop, so its "refusal" is this many new tokens. */
    public static final int RANDOM_REFUSAL_TOKENS = 8;

    private final Path model; // null: the random fixture
    private final Path lora;

    private BenchModel(Path model, Path lora) {
        if (model == null && lora != null) throw new IllegalArgumentException("rrs.bench.lora needs rrs.bench.model (the base the run was trained on)");
        this.model = model == null ? null : model.toAbsolutePath().normalize();
        this.lora = lora == null ? null : lora.toAbsolutePath().normalize();
    }

    public static BenchModel of(Path model, Path lora) {
        return new BenchModel(model, lora);
    }

    public static BenchModel fromProperties() {
        String m = System.getProperty("rrs.bench.model", ""), l = System.getProperty("rrs.bench.lora", "");
        return of(m.isBlank() ? null : Path.of(m), l.isBlank() ? null : Path.of(l));
    }

    public boolean isFixture() {
        return model == null;
    }

    public String describe() {
        return isFixture() ? "random-weight fixture (GuardBenchFixture, ~12M parameters)" : model + (lora == null ? "" : " + LoRA " + lora);
    }

    /** The checkpoint libtorch loads (the fixture's is written by {@link #guardDir}). */
    public Path checkpoint() throws Exception {
        if (!isFixture()) return model;
        guardDir();
        return GuardBenchFixture.defaultDir().resolve("ckpt");
    }

    /** The guard export of this model, written (with rrs-export's parity check) unless cached. */
    public Path guardDir() throws Exception {
        if (isFixture()) return GuardBenchFixture.ensureModel(GuardBenchFixture.defaultDir());
        Path root = Path.of(System.getProperty("rrs.root", ".")).resolve("benchmarks/target/engine-bench").toAbsolutePath();
        Path dir = root.resolve(key());
        if (Files.isRegularFile(dir.resolve("guard.json"))) return dir;
        // export beside the cache entry, then rename: a killed export never looks cached
        AtomicFiles.writeDirectory(dir, tmp -> {
            ExportOptions o = ExportOptions.of(model, tmp);
            try {
                Exporter.export(lora == null ? o : o.withLora(lora));
            } catch (Exporter.ParityException e) {
                throw new IOException(e.getMessage(), e);
            }
        });
        return dir;
    }

    /** libtorch model of the same weights as the export (LoRA merged, not applied as adapters, so both engines do the same work). */
    public Qwen2AudioModel loadTorch() throws Exception {
        Qwen2AudioModel base = Qwen2AudioModel.load(checkpoint());
        if (lora == null) return base;
        List<LoraMerge.Adapter> adapters = new ArrayList<>();
        if (AlignedRun.looksLikeRun(lora)) {
            AlignedRun run = AlignedRun.open(lora);
            run.checkBase(model);
            for (AlignedRun.ProjectionFactors f : run.factors()) adapters.add(new LoraMerge.Adapter(f.projection(), f.a(), f.b(), f.scale()));
        } else {
            adapters.addAll(PeftAdapters.read(lora));
        }
        return new Qwen2AudioModel(base.config(), LoraMerge.merge(base.weights(), adapters));
    }

    /** New tokens of a full refusal: "I cannot help with that.<|im_end|>" in the model's tokenizer, or 8 for the random fixture. */
    public int refusalTokens(GuardPeer peer) {
        return isFixture() ? RANDOM_REFUSAL_TOKENS : new ChatTemplate(peer.tokenizer()).encodeAnswer(Prompts.REFUSAL_ANSWER).length;
    }

    public String refusalNote(int tokens) {
        return isFixture() ? "random model, no natural stop: a refusal is timed as a fixed " + tokens + " new tokens"
                : "refusal = " + tokens + " new tokens, the length of '" + Prompts.REFUSAL_ANSWER + "<|im_end|>'";
    }

    /** SHA-256 over the names and SHA-256 of the checkpoint's files and the LoRA's (for a reshape run: its checkpoint and prepare output). */
    private String key() throws IOException {
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> s = Files.list(model)) {
            for (Path f : s.filter(p -> p.getFileName().toString().matches("config\\.json|tokenizer\\.json|.*\\.safetensors(\\.index\\.json)?")).sorted().toList())
                listing.append(model.relativize(f)).append(' ').append(AtomicFiles.sha256(f)).append('\n');
        }
        if (lora != null) {
            List<Path> dirs = new ArrayList<>();
            if (AlignedRun.looksLikeRun(lora)) {
                AlignedRun run = AlignedRun.open(lora);
                dirs.add(run.checkpointDir());
                if (run.runDir() != null && Files.isDirectory(run.runDir().resolve(PreparedRun.DIR))) dirs.add(run.runDir().resolve(PreparedRun.DIR));
            } else {
                dirs.add(lora);
            }
            for (Path d : dirs)
                try (Stream<Path> s = Files.walk(d)) {
                    for (Path f : s.filter(Files::isRegularFile).sorted().toList())
                        listing.append(d.relativize(f)).append(' ').append(AtomicFiles.sha256(f)).append('\n');
                }
        }
        return AtomicFiles.sha256(listing.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** The guard's prompt and features as libtorch input (same ids, same frames). */
    public static ModelInput torchInput(GuardPeer.Features f) {
        return ModelInput.leftPadded(List.of(f.ids()), 0).withAudio(f.melMajor(), f.mels(), f.frames(), new long[] {f.validFrames()});
    }

    /** libtorch's screen core: one forward pass, softmax of the refusal token at the last position. */
    public static double torchPrefill(Qwen2AudioModel model, ModelInput in, int refusalToken) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[] last = Tensors.toFloats(model.forward(in).logits().select(1, in.length() - 1));
            return GuardPeer.softmaxAt(last, refusalToken);
        }
    }

    /** libtorch greedy generation of exactly {@code n} tokens with the KV cache (no stop token). */
    public static long[] torchGenerate(Qwen2AudioModel model, ModelInput in, int n) {
        try (PointerScope scope = new PointerScope()) {
            return model.generate(in, new GenerationOptions(n, Set.of()), true).get(0).tokens();
        }
    }

    /** Exports (once) and checks that both engines give the same refusal probability and greedy tokens on the 3 s query. */
    public static void main(String[] args) throws Exception {
        BenchModel bm = fromProperties();
        torch.set_num_threads(1);
        Path dir = bm.guardDir();
        GuardQuery q = GuardBenchFixture.query3sAudioText();
        try (GuardPeer peer = GuardPeer.open(dir, 1); Guard guard = Guard.open(dir, GuardOptions.defaults())) {
            int n = bm.refusalTokens(peer), refusal = peer.manifest().refusalTokenId();
            GuardPeer.Features f = peer.features(q);
            Qwen2AudioModel model = bm.loadTorch();
            ModelInput in = torchInput(f);
            double pOrt = peer.prefill(f), pGuard = guard.screen(q).refusalProbability(), pTorch = torchPrefill(model, in, refusal);
            int[] tOrt = peer.generate(f, n);
            long[] tTorch = torchGenerate(model, in, n);
            Response r = guard.respond(q, RespondOptions.defaults().withMaxNewTokens(n));
            boolean sameTokens = Arrays.equals(Arrays.stream(tOrt).asLongStream().toArray(), tTorch);
            System.out.printf("model: %s%nguard export: %s%nquery: 3 s audio-text, %d prompt tokens, %d valid frames (%d to the encoder)%n%s%n",
                    bm.describe(), dir, f.ids().length, f.validFrames(), f.frames(), bm.refusalNote(n));
            System.out.printf("refusal probability: libtorch %.6g, ONNX Runtime %.6g, Guard.screen %.6g%n", pTorch, pOrt, pGuard);
            System.out.printf("greedy %d tokens: %s on both engines%s%n", n, sameTokens ? "the same" : "DIFFERENT", sameTokens ? "" : " (" + Arrays.toString(tOrt) + " vs " + Arrays.toString(tTorch) + ")");
            System.out.printf("Guard.respond (stops at <|im_end|>): %d of %d tokens%s%n", r.tokens().length, n, r.stopped() ? ", stopped early" : "");
            if (Math.abs(pTorch - pOrt) > 1e-3 * Math.max(pTorch, pOrt) + 1e-9 || Math.abs(pGuard - pOrt) > 1e-6 * pOrt) // export parity: logits within 1e-4
                throw new IllegalStateException("the engines disagree on the same query: not the same model or not the same input");
            if (args.length > 0)
                Files.writeString(Path.of(args[0]), String.format(java.util.Locale.ROOT,
                        "{\"model\": \"%s\", \"guard_dir\": \"%s\", \"fixture\": %b, \"prompt_tokens\": %d, \"refusal_tokens\": %d, \"note\": \"%s\", "
                                + "\"respond_tokens\": %d, \"p_libtorch\": %.9g, \"p_onnxruntime\": %.9g, \"same_tokens\": %b}%n",
                        json(bm.describe()), json(dir.toString()), bm.isFixture(), f.ids().length, n, json(bm.refusalNote(n)), r.tokens().length, pTorch, pOrt, sameTokens));
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
