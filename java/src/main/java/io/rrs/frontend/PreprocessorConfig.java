package io.rrs.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scope: {@code preprocessor_config.json}, the front-end settings that travel with a model folder,
 * in Hugging Face's {@code WhisperFeatureExtractor} form (the file a Qwen2-Audio checkpoint ships):
 * {@code feature_size} (mel bins), {@code sampling_rate}, {@code hop_length}, {@code n_fft} and
 * {@code chunk_length} (the window in seconds, every clip padded or trimmed to it). The trainer, the
 * export and the guard all read the window from here.
 *
 * <p>A folder without the file gets the longest whole-second window the audio tower accepts
 * ({@code 2 * max_source_positions} frames), at most Whisper's 30 s: 3000 frames for Qwen2-Audio.
 */
public final class PreprocessorConfig {
    public static final String FILE = "preprocessor_config.json";
    /** The {@code feature_extractor_type} this front-end computes. */
    public static final String TYPE = "WhisperFeatureExtractor";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PreprocessorConfig() {}

    /**
     * The front-end of the model in {@code dir}: its {@value #FILE}, or the default window when the
     * folder has none; checked against the audio tower's mel bins and longest input.
     */
    public static WhisperOptions load(Path dir, int numMelBins, int encoderMaxFrames) throws IOException {
        Path file = dir.resolve(FILE);
        WhisperOptions options = Files.isRegularFile(file) ? read(file) : forEncoder(numMelBins, encoderMaxFrames);
        if (options.numMels() != numMelBins)
            throw new IOException(file + ": feature_size is " + options.numMels() + " but the model's audio_config.num_mel_bins is " + numMelBins
                    + "; use the preprocessor_config.json that belongs to the model");
        if (options.chunkFrames() > encoderMaxFrames)
            throw new IOException(file + ": a " + options.chunkSeconds() + " s window is " + options.chunkFrames() + " frames, more than the "
                    + encoderMaxFrames + " the audio tower accepts (2 * audio_config.max_source_positions); set chunk_length <= "
                    + encoderMaxFrames * options.hopLength() / options.sampleRate());
        return options;
    }

    /** The default for a folder without the file: Whisper's settings, the longest whole-second window the tower accepts, at most 30 s. */
    public static WhisperOptions forEncoder(int numMelBins, int encoderMaxFrames) {
        WhisperOptions whisper = WhisperOptions.ofMels(numMelBins); // fails naming 80/128 for other counts
        int framesPerSecond = whisper.sampleRate() / whisper.hopLength();
        int seconds = Math.min(whisper.chunkSeconds(), encoderMaxFrames / framesPerSecond);
        if (seconds < 1)
            throw new IllegalArgumentException("the audio tower takes at most " + encoderMaxFrames + " frames (2 * audio_config.max_source_positions), "
                    + "less than one second of Whisper features; use max_source_positions >= " + (framesPerSecond + 1) / 2);
        return new WhisperOptions(numMelBins, whisper.fftSize(), whisper.hopLength(), whisper.sampleRate(), seconds, true);
    }

    /** Reads one {@value #FILE}; errors name the file and the field. */
    public static WhisperOptions read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        String type = root.path("feature_extractor_type").asText("");
        if (!TYPE.equals(type))
            throw new IOException(file + ": feature_extractor_type is \"" + type + "\"; this front-end computes " + TYPE
                    + " features, write that model's preprocessor_config.json");
        WhisperOptions options;
        try {
            options = new WhisperOptions(integer(file, root, "feature_size"), integer(file, root, "n_fft"), integer(file, root, "hop_length"),
                    integer(file, root, "sampling_rate"), integer(file, root, "chunk_length"), true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": unusable front-end settings: " + e.getMessage(), e);
        }
        for (String field : new String[] {"padding_value", "dither"})
            if (root.has(field) && root.get(field).asDouble() != 0.0)
                throw new IOException(file + ": " + field + " is " + root.get(field) + "; this front-end pads with digital silence and adds no dither (0.0)");
        if (root.has("nb_max_frames") && root.get("nb_max_frames").asInt() != options.chunkFrames())
            throw new IOException(file + ": nb_max_frames is " + root.get("nb_max_frames") + " but chunk_length " + options.chunkSeconds()
                    + " s gives " + options.chunkFrames() + " frames; fix one of them");
        return options;
    }

    /** Writes {@value #FILE} into {@code dir} (atomically), with the fields Hugging Face's processor writes. */
    public static Path write(Path dir, WhisperOptions options) throws IOException {
        Path out = dir.resolve(FILE);
        AtomicFiles.write(out, JSON.writeValueAsBytes(toJson(options)));
        return out;
    }

    /** The file's contents for {@code options}; runs that must be continued with the same front-end record it. */
    public static ObjectNode toJson(WhisperOptions options) {
        ObjectNode root = JSON.createObjectNode();
        root.put("feature_extractor_type", TYPE);
        root.put("processor_class", "Qwen2AudioProcessor");
        root.put("feature_size", options.numMels());
        root.put("sampling_rate", options.sampleRate());
        root.put("hop_length", options.hopLength());
        root.put("n_fft", options.fftSize());
        root.put("chunk_length", options.chunkSeconds());
        root.put("n_samples", options.chunkSamples());
        root.put("nb_max_frames", options.chunkFrames());
        root.put("padding_side", "right");
        root.put("padding_value", 0.0);
        root.put("return_attention_mask", true);
        return root;
    }

    private static int integer(Path file, JsonNode root, String field) throws IOException {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber())
            throw new IOException(file + ": field \"" + field + "\" is " + (n == null ? "missing" : n.toString()) + ", expected an integer");
        return n.asInt();
    }
}
