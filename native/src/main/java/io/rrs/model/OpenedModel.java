package io.rrs.model;

import io.rrs.frontend.PreprocessorConfig;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scope: a model folder opened for use: the weights ({@code config.json}, {@code model.safetensors}
 * or shards), its {@code tokenizer.json} and chat template, and the query encoder built from its
 * {@code preprocessor_config.json}. Every command that feeds queries to a model folder opens it here,
 * so they all encode queries the same way.
 */
public record OpenedModel(Qwen2AudioModel model, TextTokenizer tokenizer, ChatTemplate template, QueryEncoder queries) implements AutoCloseable {
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /** Float32 on the CPU. */
    public static OpenedModel open(Path dir) throws IOException {
        return open(dir, Compute.CPU);
    }

    /** The folder's model on {@code compute}'s device, in its compute type. */
    public static OpenedModel open(Path dir, Compute compute) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("model directory " + dir + " does not exist; pass --model DIR");
        Path tokenizerFile = dir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizerFile))
            throw new IOException("no tokenizer.json in model directory " + dir + "; copy the model's tokenizer there (the project's is data/tokenizer/tokenizer.json)");
        Qwen2AudioModel model = Qwen2AudioModel.load(dir, compute);
        TextTokenizer tokenizer = TextTokenizer.open(tokenizerFile);
        try {
            ChatTemplate template = new ChatTemplate(tokenizer);
            return new OpenedModel(model, tokenizer, template, queryEncoder(dir, model.config(), template));
        } catch (IOException | RuntimeException e) {
            tokenizer.close(); // a folder refused here must not keep the tokenizer's native memory
            throw e;
        }
    }

    /**
     * The query encoder of the model in {@code dir}: its front-end from {@code preprocessor_config.json}
     * (or the default window), checked against the model's audio tower and audio token.
     */
    public static QueryEncoder queryEncoder(Path dir, Qwen2AudioConfig config, ChatTemplate template) throws IOException {
        if (config.audioTokenIndex() != template.audioTokenId())
            throw new IOException(dir + ": the model's audio_token_index is " + config.audioTokenIndex() + " but the tokenizer's <|AUDIO|> is "
                    + template.audioTokenId() + "; use the tokenizer.json that belongs to the model");
        return new QueryEncoder(PreprocessorConfig.load(dir, config.audio().numMelBins(), config.audio().maxFrames()), template);
    }

    /** Frees the tokenizer's native memory (the weights are libtorch tensors, freed with their scope). */
    @Override
    public void close() {
        tokenizer.close();
    }
}
