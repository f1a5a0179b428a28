package io.rrs.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.frontend.WhisperOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Scope: reads and verifies {@code guard.json}, the manifest that rrs-export writes beside the
 * graphs (docs/export.md): format, every listed file present with its size and SHA-256, and the
 * settings the guard needs (graph files, model sizes, front-end, token ids, chat texts,
 * {@code delta_m}, threshold). Reading fails with a {@link GuardException} that names the file
 * and what is wrong; nothing here loads a graph.
 */
public record GuardManifest(Path dir, String embedFile, String encoderFile, String decoderFile, String tokenizerFile,
                            int vocabSize, int hiddenSize, int layers, int kvHeads, int headDim, int maxPositions,
                            WhisperOptions frontEnd, int audioTokenId, int padTokenId, int stopTokenId, int refusalTokenId,
                            String system, String audioTextInstruction, float[] deltaM, double threshold, boolean calibrated,
                            List<FileEntry> files) {
    public static final String FILE = "guard.json";
    public static final String FORMAT = "rrs-guard/1";

    /** One file beside the manifest, as listed: relative path, size, lower-case hex SHA-256. */
    public record FileEntry(String path, long bytes, String sha256) {}

    public GuardManifest {
        files = List.copyOf(files);
        if (threshold < 0 || threshold > 1 || Double.isNaN(threshold))
            throw new GuardException(dir.resolve(FILE) + ": threshold " + threshold + " is not a probability in [0, 1]; re-export the model");
        if (deltaM != null && deltaM.length != hiddenSize)
            throw new GuardException(dir.resolve(FILE) + ": delta_m has " + deltaM.length + " values but hidden_size is " + hiddenSize + "; re-export with the matching delta_m.npy");
    }

    /** Reads {@code dir/guard.json} and checks every listed file's size and SHA-256. */
    public static GuardManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isDirectory(dir)) throw new GuardException("model directory " + dir + " does not exist; pass the --out directory of `rrs export`");
        if (!Files.isRegularFile(file))
            throw new GuardException("missing file: " + file + " (the manifest `rrs export` writes last, only when parity held); re-run the export");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new GuardException(file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + "); re-run the export", e);
        }
        Reader r = new Reader(file, root);
        String format = r.text(root, "format");
        if (!FORMAT.equals(format)) throw new GuardException(file + ": format is \"" + format + "\", this guard reads " + FORMAT + "; export with a matching rrs version");

        List<FileEntry> files = new ArrayList<>();
        for (JsonNode f : r.node(root, "files")) files.add(new FileEntry(r.text(f, "path"), r.integer(f, "bytes"), r.text(f, "sha256")));
        verify(dir, files);

        JsonNode graphs = r.node(root, "graphs"), model = r.node(root, "model"), fe = r.node(root, "frontend");
        JsonNode tok = r.node(root, "tokenizer"), chat = r.node(root, "chat_template");
        String embed = listed(file, files, r.text(r.node(graphs, "embed_tokens"), "file"));
        String encoder = listed(file, files, r.text(r.node(graphs, "encoder"), "file"));
        String decoder = listed(file, files, r.text(r.node(graphs, "decoder"), "file"));
        String tokenizer = listed(file, files, r.text(tok, "file"));

        if (!"whisper_log_mel".equals(r.text(fe, "type")))
            throw new GuardException(file + ": front-end type \"" + fe.path("type").asText() + "\" is not whisper_log_mel, the only one this guard computes");
        if (!fe.has("chunk_seconds"))
            throw new GuardException(file + ": the front-end has no chunk_seconds (" + fe.path("note").asText("window not in whole seconds")
                    + "); this guard needs a window of whole seconds");
        WhisperOptions frontEnd;
        try {
            frontEnd = new WhisperOptions((int) r.integer(fe, "n_mels"), (int) r.integer(fe, "n_fft"), (int) r.integer(fe, "hop_length"),
                    (int) r.integer(fe, "sample_rate"), (int) r.integer(fe, "chunk_seconds"), true);
        } catch (IllegalArgumentException e) {
            throw new GuardException(file + ": front-end settings are unusable: " + e.getMessage(), e);
        }
        if (frontEnd.chunkFrames() > r.integer(model, "max_audio_frames"))
            throw new GuardException(file + ": front-end window of " + frontEnd.chunkFrames() + " frames is longer than the model's max_audio_frames "
                    + model.path("max_audio_frames").asLong() + "; re-export the model");

        float[] deltaM = null;
        JsonNode d = root.path("delta_m");
        if (!d.isMissingNode() && !d.isNull()) {
            JsonNode values = r.node(d, "values");
            deltaM = new float[values.size()];
            for (int i = 0; i < deltaM.length; i++) deltaM[i] = (float) values.get(i).asDouble();
        }
        JsonNode th = r.node(root, "threshold");
        if (!"refusal_token_probability".equals(r.text(th, "score")))
            throw new GuardException(file + ": threshold is for score \"" + th.path("score").asText() + "\"; this guard thresholds refusal_token_probability");
        return new GuardManifest(dir, embed, encoder, decoder, tokenizer,
                (int) r.integer(model, "vocab_size"), (int) r.integer(model, "hidden_size"), (int) r.integer(model, "num_hidden_layers"),
                (int) r.integer(model, "num_key_value_heads"), (int) r.integer(model, "head_dim"), (int) r.integer(model, "max_position_embeddings"),
                frontEnd, (int) r.integer(tok, "audio_token_id"), (int) r.integer(tok, "pad_token_id"), (int) r.integer(tok, "stop_token_id"),
                (int) r.integer(root, "refusal_token_id"), r.text(chat, "system"), r.text(chat, "audio_text_instruction"), deltaM,
                r.number(th, "value"), th.path("calibrated").asBoolean(false), files);
    }

    /** The absolute path of a listed file. */
    public Path path(String relative) {
        return dir.resolve(relative);
    }

    /** Every listed file must exist, have the listed size and SHA-256; the first that does not names itself. */
    static void verify(Path dir, List<FileEntry> files) {
        if (files.isEmpty()) throw new GuardException(dir.resolve(FILE) + " lists no files; re-run the export");
        for (FileEntry f : files) {
            Path p = dir.resolve(f.path()).normalize();
            if (!p.startsWith(dir.normalize())) throw new GuardException(dir.resolve(FILE) + " lists " + f.path() + ", outside the model directory");
            if (!Files.isRegularFile(p))
                throw new GuardException("missing file: " + p + " (listed in " + FILE + "); copy the whole export directory");
            try {
                long size = Files.size(p);
                if (size != f.bytes())
                    throw new GuardException("file " + p + " has " + size + " bytes, " + FILE + " lists " + f.bytes() + "; the file was changed or truncated, copy it again");
                String actual = sha256(p);
                if (!actual.equalsIgnoreCase(f.sha256()))
                    throw new GuardException("SHA-256 mismatch for " + p + ": " + FILE + " lists " + f.sha256() + ", the file has " + actual
                            + "; the file was changed after export, copy the export directory again");
            } catch (IOException e) {
                throw new GuardException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
    }

    private static String listed(Path manifest, List<FileEntry> files, String name) {
        for (FileEntry f : files) if (f.path().equals(name)) return name;
        throw new GuardException(manifest + " names " + name + " but does not list it under files, so its hash cannot be checked; re-run the export");
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Required-field access that names the manifest and the missing field. */
    private record Reader(Path file, JsonNode root) {
        JsonNode node(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) throw new GuardException(file + " has no field \"" + field + "\"; re-export with rrs export");
            return n;
        }

        String text(JsonNode parent, String field) {
            JsonNode n = node(parent, field);
            if (!n.isTextual()) throw new GuardException(file + ": field \"" + field + "\" is " + n + ", expected a string");
            return n.asText();
        }

        long integer(JsonNode parent, String field) {
            JsonNode n = node(parent, field);
            if (!n.canConvertToLong() || !n.isIntegralNumber()) throw new GuardException(file + ": field \"" + field + "\" is " + n + ", expected an integer");
            return n.asLong();
        }

        double number(JsonNode parent, String field) {
            JsonNode n = node(parent, field);
            if (!n.isNumber()) throw new GuardException(file + ": field \"" + field + "\" is " + n + ", expected a number");
            return n.asDouble();
        }
    }
}
