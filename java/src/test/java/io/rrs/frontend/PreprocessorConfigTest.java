package io.rrs.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreprocessorConfigTest {
    @TempDir
    Path dir;

    /** The file Qwen2-Audio-7B-Instruct ships, field for field. */
    static final String QWEN2_AUDIO = """
            {
              "chunk_length": 30,
              "feature_extractor_type": "WhisperFeatureExtractor",
              "feature_size": 128,
              "hop_length": 160,
              "n_fft": 400,
              "n_samples": 480000,
              "nb_max_frames": 3000,
              "padding_side": "right",
              "padding_value": 0.0,
              "processor_class": "Qwen2AudioProcessor",
              "return_attention_mask": true,
              "sampling_rate": 16000
            }
            """;

    @Test
    void readsTheFileARealCheckpointShips() throws IOException {
        Files.writeString(dir.resolve(PreprocessorConfig.FILE), QWEN2_AUDIO);
        assertEquals(WhisperOptions.QWEN2_AUDIO, PreprocessorConfig.load(dir, 128, 3000));
    }

    @Test
    void writeThenReadGivesTheSameSettings() throws IOException {
        WhisperOptions options = new WhisperOptions(80, 400, 160, 16000, 7, true);
        PreprocessorConfig.write(dir, options);
        assertEquals(options, PreprocessorConfig.read(dir.resolve(PreprocessorConfig.FILE)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left beside it");
        }
    }

    @ParameterizedTest(name = "{0} tower frames -> {1} s")
    @CsvSource({"700, 7", "750, 7", "799, 7", "3000, 30", "6000, 30", "100, 1"})
    void withoutTheFileTheWindowIsTheLongestWholeSecondTheTowerAccepts(int towerFrames, int seconds) throws IOException {
        WhisperOptions options = PreprocessorConfig.load(dir, 80, towerFrames);
        assertEquals(seconds, options.chunkSeconds());
        assertTrue(options.chunkFrames() <= towerFrames);
    }

    @Test
    void aWindowLongerThanTheTowerOrOtherMelsAreRefusedNamingTheFile() throws IOException {
        PreprocessorConfig.write(dir, new WhisperOptions(80, 400, 160, 16000, 8, true));
        var tooLong = assertThrows(IOException.class, () -> PreprocessorConfig.load(dir, 80, 750));
        assertTrue(tooLong.getMessage().contains(PreprocessorConfig.FILE) && tooLong.getMessage().contains("chunk_length <= 7"), tooLong.getMessage());
        var mels = assertThrows(IOException.class, () -> PreprocessorConfig.load(dir, 128, 3000));
        assertTrue(mels.getMessage().contains("num_mel_bins is 128"), mels.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PreprocessorConfig.forEncoder(80, 99));
    }

    @Test
    void anotherFeatureExtractorOrAMissingFieldIsRefused() throws IOException {
        Path file = dir.resolve(PreprocessorConfig.FILE);
        Files.writeString(file, QWEN2_AUDIO.replace("WhisperFeatureExtractor", "Wav2Vec2FeatureExtractor"));
        var type = assertThrows(IOException.class, () -> PreprocessorConfig.read(file));
        assertTrue(type.getMessage().contains("Wav2Vec2FeatureExtractor"), type.getMessage());
        Files.writeString(file, QWEN2_AUDIO.replace("\"hop_length\": 160,", ""));
        var missing = assertThrows(IOException.class, () -> PreprocessorConfig.read(file));
        assertTrue(missing.getMessage().contains("hop_length"), missing.getMessage());
        Files.writeString(file, QWEN2_AUDIO.replace("\"padding_value\": 0.0", "\"padding_value\": -1.0"));
        var padding = assertThrows(IOException.class, () -> PreprocessorConfig.read(file));
        assertTrue(padding.getMessage().contains("padding_value"), padding.getMessage());
        Files.writeString(file, QWEN2_AUDIO.replace("\"nb_max_frames\": 3000", "\"nb_max_frames\": 1500"));
        var frames = assertThrows(IOException.class, () -> PreprocessorConfig.read(file));
        assertTrue(frames.getMessage().contains("nb_max_frames"), frames.getMessage());
    }
}
