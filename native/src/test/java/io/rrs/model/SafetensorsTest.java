package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.safetensors.SafetensorsCheckpoint;
import io.rrs.model.safetensors.SafetensorsException;
import io.rrs.model.safetensors.SafetensorsFile;
import io.rrs.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors reading and writing, and the errors bad files produce. */
class SafetensorsTest {
    @TempDir
    Path tmp;

    static final float[] VALUES = {0f, 1f, -2.5f, 3.25f, 1024f, -0.125f};

    @Test
    void writesAndReadsF32F16AndBf16() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Tensor base = Tensors.floats(VALUES, 2, 3);
        tensors.put("a.f32", base);
        tensors.put("b.f16", base.to(ScalarType.Half));
        tensors.put("c.bf16", base.to(ScalarType.BFloat16));
        tensors.put("d.scalar", Tensors.floats(new float[] {7f}));
        Path file = tmp.resolve("t.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        SafetensorsFile f = SafetensorsFile.open(file);
        assertEquals("pt", f.metadata().get("format"));
        assertEquals(Arrays.asList("a.f32", "b.f16", "c.bf16", "d.scalar"), f.entries().keySet().stream().toList());
        for (String name : new String[] {"a.f32", "b.f16", "c.bf16"}) {
            Tensor t = f.tensor(name);
            assertArrayEquals(new long[] {2, 3}, Tensors.shape(t), name);
            assertArrayEquals(VALUES, Tensors.toFloats(t), name); // exactly representable in all three
        }
        assertArrayEquals(new long[] {}, Tensors.shape(f.tensor("d.scalar")));
        assertEquals(7f, Tensors.toFloats(f.tensor("d.scalar"))[0]);
        // data starts 8-byte aligned: header length is a multiple of 8
        ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, head.getLong(0) % 8);
    }

    @Test
    void loadsAShardedCheckpointThroughItsIndex() throws IOException {
        Qwen2AudioConfig config = TinyModels.config();
        Map<String, Tensor> all = TinyModels.randomWeights(config, 5);
        Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        int i = 0;
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            boolean one = i++ % 2 == 0;
            // the second shard stores bfloat16, as real checkpoints do
            (one ? first : second).put(e.getKey(), one ? e.getValue() : e.getValue().to(ScalarType.BFloat16));
            index.append(i > 1 ? "," : "").append('"').append(e.getKey()).append("\": \"").append(one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
        }
        index.append("}}");
        Path dir = Files.createDirectories(tmp.resolve("sharded"));
        Files.writeString(dir.resolve("config.json"), TinyModels.CONFIG);
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first);
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index);

        Qwen2AudioModel model = Qwen2AudioModel.load(dir);
        String bf16Name = second.keySet().iterator().next();
        assertArrayEquals(Tensors.toFloats(second.get(bf16Name)), Tensors.toFloats(model.weights().get(bf16Name)));
        String f32Name = first.keySet().iterator().next();
        assertArrayEquals(Tensors.toFloats(first.get(f32Name)), Tensors.toFloats(model.weights().get(f32Name)));

        // an index entry whose shard lacks the tensor is named
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString().replaceFirst("model-00001-of-00002", "model-00002-of-00002"));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("absent from this shard"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsRefusedBeforeItsDataIsRead() throws IOException {
        Path file = tmp.resolve("full.safetensors");
        SafetensorsWriter.write(file, Map.of("w", Tensors.floats(VALUES, 6)));
        byte[] bytes = Files.readAllBytes(file);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 5));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(cut));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("truncated"), e.getMessage());
        Files.write(cut, Arrays.copyOf(bytes, 20));
        e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.write(cut, Arrays.copyOf(bytes, 5));
        e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(cut));
        assertTrue(e.getMessage().contains("shorter than the 8-byte header"), e.getMessage());
    }

    @Test
    void aHeaderThatLiesAboutOffsetsIsNamed() throws IOException {
        // the span does not match shape x dtype
        Path bad = raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}", 16);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(bad));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("lies about offsets"), e.getMessage());
        // two tensors claiming the same bytes
        Path overlap = raw("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 16);
        e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(overlap));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        // offsets beyond the end of the file
        Path beyond = raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [16, 32]}}", 16);
        e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(beyond));
        assertTrue(e.getMessage().contains("data section holds only 16 bytes"), e.getMessage());
        // a header length larger than the file
        Path longHeader = tmp.resolve("long.safetensors");
        Files.write(longHeader, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 4096).array());
        e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(longHeader));
        assertTrue(e.getMessage().contains("header length field says 4096"), e.getMessage());
    }

    @Test
    void anUnsupportedDtypeIsNamed() throws IOException {
        Path file = raw("{\"ids\": {\"dtype\": \"I64\", \"shape\": [2], \"data_offsets\": [0, 16]}}", 16);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("'ids'") && e.getMessage().contains("unsupported dtype I64")
                && e.getMessage().contains("F32, F16, BF16"), e.getMessage());
    }

    @Test
    void loadingNamesEveryMissingUnexpectedAndMisshapedTensor() throws IOException {
        Qwen2AudioConfig config = TinyModels.config();
        Map<String, Tensor> w = TinyModels.randomWeights(config, 1);
        w.remove("language_model.lm_head.weight");
        w.remove("audio_tower.layers.1.fc2.bias");
        w.put("audio_tower.layers.0.self_attn.k_proj.bias", Tensors.floats(new float[32], 32)); // Whisper has none
        w.put("language_model.model.layers.0.self_attn.k_proj.weight", Tensors.floats(new float[48 * 48], 48, 48)); // not GQA-shaped
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("config.json"), TinyModels.CONFIG);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), w);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Qwen2AudioModel.load(dir));
        assertEquals(2, e.missing().size(), e.getMessage());
        assertEquals(1, e.unexpected().size(), e.getMessage());
        assertEquals(1, e.misshaped().size(), e.getMessage());
        for (String s : new String[] {"language_model.lm_head.weight", "audio_tower.layers.1.fc2.bias",
                "audio_tower.layers.0.self_attn.k_proj.bias", "layers.0.self_attn.k_proj.weight: expected [16, 48], checkpoint has [48, 48]"})
            assertTrue(e.getMessage().contains(s), "message should name " + s + ":\n" + e.getMessage());
    }

    private Path raw(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path file = Files.createTempFile(tmp, "raw", ".safetensors");
        Files.write(file, b.array());
        return file;
    }
}
