package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shape-only check against the published Qwen2-Audio-7B-Instruct: the recorded config parses,
 * and the tensor list the loader demands equals the recorded names and shapes (expanded over
 * the layers), without allocating any weight.
 */
class Qwen2AudioLayoutTest {
    @Test
    void loaderExpectsExactlyThePublishedTensorsOfQwen2Audio7BInstruct() throws Exception {
        JsonNode rec;
        try (InputStream in = getClass().getResourceAsStream("qwen2_audio_7b_instruct_layout.json")) {
            rec = new ObjectMapper().readTree(in);
        }
        Qwen2AudioConfig config = Qwen2AudioConfig.fromJson(rec.get("config"));
        assertEquals(4096, config.text().hiddenSize(), "Qwen2Config default hidden_size");
        assertEquals(32, config.text().numKeyValueHeads(), "num_key_value_heads defaults to num_attention_heads");
        assertEquals(1e-5, config.text().rmsNormEps());

        Map<String, long[]> published = new LinkedHashMap<>();
        rec.get("tensors").fields().forEachRemaining(e -> published.put(e.getKey(), shape(e.getValue())));
        for (int i = 0; i < rec.get("audio_layers").asInt(); i++) {
            String p = "audio_tower.layers." + i + ".";
            rec.get("audio_layer_tensors").fields().forEachRemaining(e -> published.put(p + e.getKey(), shape(e.getValue())));
        }
        for (int i = 0; i < rec.get("text_layers").asInt(); i++) {
            String p = "language_model.model.layers." + i + ".";
            rec.get("text_layer_tensors").fields().forEachRemaining(e -> published.put(p + e.getKey(), shape(e.getValue())));
        }
        assertEquals(rec.get("tensor_count").asInt(), published.size());

        Map<String, long[]> expected = Qwen2AudioLayout.expected(config);
        List<String> problems = new ArrayList<>();
        published.forEach((n, s) -> {
            if (!expected.containsKey(n)) problems.add("loader does not expect " + n);
            else if (!Arrays.equals(s, expected.get(n))) problems.add(n + ": published " + Arrays.toString(s) + ", loader " + Arrays.toString(expected.get(n)));
        });
        for (String n : expected.keySet()) if (!published.containsKey(n)) problems.add("loader expects unpublished " + n);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(rec.get("parameter_count").asLong(), Qwen2AudioLayout.parameterCount(config));
        // the same check the loader runs on a real checkpoint's header passes on the published list
        Weights.check(expected, published, "Qwen2-Audio-7B-Instruct");
    }

    private static long[] shape(JsonNode a) {
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) s[i] = a.get(i).asLong();
        return s;
    }
}
