package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json parsing: Hugging Face field names and defaults, and errors that name the field. */
class Qwen2AudioConfigTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheTinyConfig() {
        Qwen2AudioConfig c = TinyModels.config();
        assertEquals(32, c.audio().dModel());
        assertEquals(8, c.audio().headDim());
        assertEquals(100, c.audio().maxFrames());
        assertEquals(6, c.text().numAttentionHeads());
        assertEquals(2, c.text().numKeyValueHeads());
        assertEquals(8, c.text().headDim());
        assertEquals(63, c.audioTokenIndex());
    }

    @Test
    void inconsistentHeadCountsAreNamed() throws IOException {
        String kv = TinyModels.CONFIG.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 4");
        IOException e = assertThrows(IOException.class, () -> read(kv));
        assertTrue(e.getMessage().contains("text_config.num_attention_heads (6) is not a multiple of text_config.num_key_value_heads (4)"), e.getMessage());

        String heads = TinyModels.CONFIG.replace("\"num_attention_heads\": 6", "\"num_attention_heads\": 5");
        e = assertThrows(IOException.class, () -> read(heads));
        assertTrue(e.getMessage().contains("text_config.hidden_size (48) is not divisible by text_config.num_attention_heads (5)"), e.getMessage());

        String audio = TinyModels.CONFIG.replace("\"encoder_attention_heads\": 4", "\"encoder_attention_heads\": 5");
        e = assertThrows(IOException.class, () -> read(audio));
        assertTrue(e.getMessage().contains("audio_config.d_model (32) is not divisible by audio_config.encoder_attention_heads (5)"), e.getMessage());
        assertTrue(e.getMessage().contains("config.json"), "names the file: " + e.getMessage());
    }

    @Test
    void otherBadFieldsAreNamed() {
        IOException e = assertThrows(IOException.class, () -> read(TinyModels.CONFIG.replace("\"audio_token_index\": 63", "\"audio_token_index\": 64")));
        assertTrue(e.getMessage().contains("audio_token_index (64) is outside the vocabulary"), e.getMessage());
        e = assertThrows(IOException.class, () -> read(TinyModels.CONFIG.replace("\"encoder_layers\": 2", "\"encoder_layers\": \"two\"")));
        assertTrue(e.getMessage().contains("audio_config.encoder_layers must be an integer"), e.getMessage());
        e = assertThrows(IOException.class, () -> read(TinyModels.CONFIG.replace("\"intermediate_size\": 96", "\"intermediate_size\": 0")));
        assertTrue(e.getMessage().contains("text_config.intermediate_size must be a positive integer"), e.getMessage());
    }

    private Qwen2AudioConfig read(String json) throws IOException {
        Path p = tmp.resolve("config.json");
        Files.writeString(p, json);
        return Qwen2AudioConfig.read(p);
    }
}
