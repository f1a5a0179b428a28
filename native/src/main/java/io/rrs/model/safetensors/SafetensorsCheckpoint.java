package io.rrs.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A checkpoint directory as Hugging Face writes it: either one {@code model.safetensors} or
 * shards listed by {@code model.safetensors.index.json} ({"weight_map": {tensor: shard file}}).
 * Every shard's header is validated on open; data is mapped lazily per tensor.
 */
public final class SafetensorsCheckpoint {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Map<String, SafetensorsFile> fileOfTensor;

    private SafetensorsCheckpoint(Map<String, SafetensorsFile> fileOfTensor) {
        this.fileOfTensor = Collections.unmodifiableMap(fileOfTensor);
    }

    /** Opens {@code dir/model.safetensors.index.json} if present, else {@code dir/model.safetensors}. */
    public static SafetensorsCheckpoint open(Path dir) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.exists(index)) return openSharded(index);
        Path single = dir.resolve(SINGLE_FILE);
        if (!Files.exists(single))
            throw new SafetensorsException(dir, "neither " + SINGLE_FILE + " nor " + INDEX_FILE + " is present; point at a Hugging Face model directory");
        return openSingle(single);
    }

    public static SafetensorsCheckpoint openSingle(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> map = new LinkedHashMap<>();
        for (String name : f.entries().keySet()) map.put(name, f);
        return new SafetensorsCheckpoint(map);
    }

    public static SafetensorsCheckpoint openSharded(Path indexFile) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(indexFile.toFile());
        } catch (IOException e) {
            throw new SafetensorsException(indexFile, "index is not valid JSON: " + e.getMessage());
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject())
            throw new SafetensorsException(indexFile, "index has no \"weight_map\" object");
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shardName = e.getValue().asText();
            Path shardPath = dir.resolve(shardName).normalize();
            if (!shardPath.startsWith(dir))
                throw new SafetensorsException(indexFile, e.getKey(), "shard " + shardName + " lies outside the checkpoint directory");
            if (!Files.exists(shardPath))
                throw new SafetensorsException(indexFile, e.getKey(), "its shard " + shardName + " is missing");
            SafetensorsFile shard = shards.get(shardName);
            if (shard == null) {
                shard = SafetensorsFile.open(shardPath);
                shards.put(shardName, shard);
            }
            if (!shard.entries().containsKey(e.getKey()))
                throw new SafetensorsException(shardPath, e.getKey(), "listed in " + INDEX_FILE + " but absent from this shard");
            map.put(e.getKey(), shard);
        }
        return new SafetensorsCheckpoint(map);
    }

    /** Every tensor name and its header entry (name order as listed). */
    public Map<String, SafetensorsFile.Entry> entries() {
        Map<String, SafetensorsFile.Entry> out = new LinkedHashMap<>();
        fileOfTensor.forEach((name, f) -> out.put(name, f.entries().get(name)));
        return out;
    }

    public boolean contains(String name) {
        return fileOfTensor.containsKey(name);
    }

    /** The tensor in its stored dtype, viewing the mapped file. */
    public Tensor tensor(String name) throws IOException {
        SafetensorsFile f = fileOfTensor.get(name);
        if (f == null) throw new IOException("tensor '" + name + "' is not in this checkpoint");
        return f.tensor(name);
    }

    /**
     * Lets go of the mappings: the file-wide mapping of tensors over 2 GiB is unmapped now, the Java mappings at the next
     * garbage collection. Every tensor taken from this checkpoint must be unused by then.
     */
    public void release() {
        new java.util.HashSet<>(fileOfTensor.values()).forEach(SafetensorsFile::release);
    }
}
