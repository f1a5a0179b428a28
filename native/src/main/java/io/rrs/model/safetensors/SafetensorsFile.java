package io.rrs.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.model.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One safetensors file (format: 8-byte little-endian header length, a JSON header of
 * {name: {dtype, shape, data_offsets}}, then the raw data). The whole header is validated
 * against the file size before any data is touched; tensors are then memory-mapped one by one (read-only),
 * so opening a multi-gigabyte shard costs only its header. Tensors returned by
 * {@link #tensor(String)} view the mapping and stay valid
 * while this object is reachable.
 */
public final class SafetensorsFile {
    /** Headers above this are not checkpoints but corrupt length fields (the format caps at 100 MB). */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor's entry in the header; offsets are relative to the start of the data section. */
    public record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    /** Keeps the mappings alive as long as tensors built on them may be used. */
    private final List<ByteBuffer> mappings = Collections.synchronizedList(new ArrayList<>());
    /** The whole file mapped by libtorch as bytes, for tensors larger than one Java mapping (2^31 - 1 bytes); null until needed. */
    private Tensor wholeFile;

    private SafetensorsFile(Path path, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates a file; reads only the header. */
    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new SafetensorsException(path, "file is " + size + " bytes, shorter than the 8-byte header length; is it truncated?");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, path);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES)
                throw new SafetensorsException(path, "header length field says " + headerLen + " bytes, outside 1.." + MAX_HEADER_BYTES + "; not a safetensors file or corrupt");
            if (8 + headerLen > size)
                throw new SafetensorsException(path, "header length field says " + headerLen + " bytes but the file has only " + (size - 8) + " after it; the file is truncated");
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8, path);
            JsonNode root;
            try {
                root = JSON.readTree(header.array());
            } catch (IOException e) {
                throw new SafetensorsException(path, "header is not valid JSON: " + e.getMessage());
            }
            if (root == null || !root.isObject()) throw new SafetensorsException(path, "header is not a JSON object");
            long dataStart = 8 + headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                try {
                    entries.put(f.getKey(), parseEntry(path, f.getKey(), f.getValue(), size - dataStart));
                } catch (ArithmeticException e) {
                    throw new SafetensorsException(path, f.getKey(), "shape " + f.getValue().get("shape") + " overflows a 64-bit element count");
                }
            }
            checkNoOverlap(path, entries);
            return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
        }
    }

    private static Entry parseEntry(Path path, String name, JsonNode n, long dataBytes) throws SafetensorsException {
        if (!n.isObject()) throw new SafetensorsException(path, name, "header entry is not an object");
        JsonNode dt = n.get("dtype"), sh = n.get("shape"), off = n.get("data_offsets");
        if (dt == null || sh == null || off == null)
            throw new SafetensorsException(path, name, "header entry lacks dtype, shape or data_offsets");
        String dtName = dt.asText();
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(dtName);
        } catch (IllegalArgumentException e) {
            String kind = Dtype.KNOWN_UNSUPPORTED.contains(dtName) ? "unsupported dtype " : "unknown dtype ";
            throw new SafetensorsException(path, name, kind + dtName + "; supported: F32, F16, BF16 (convert the checkpoint)");
        }
        if (!sh.isArray()) throw new SafetensorsException(path, name, "shape is not an array");
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!sh.get(i).canConvertToLong() || !sh.get(i).isIntegralNumber() || sh.get(i).asLong() < 0)
                throw new SafetensorsException(path, name, "shape " + sh + " has a dimension that is not a non-negative integer");
            shape[i] = sh.get(i).asLong();
            numel = Math.multiplyExact(numel, shape[i]);
        }
        if (!off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber())
            throw new SafetensorsException(path, name, "data_offsets " + off + " is not a pair of integers");
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        if (begin < 0 || end < begin)
            throw new SafetensorsException(path, name, "data_offsets [" + begin + ", " + end + "] are not an increasing, non-negative range");
        long expected = Math.multiplyExact(numel, dtype.bytes());
        if (end - begin != expected)
            throw new SafetensorsException(path, name, "data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but shape " + Arrays.toString(shape) + " of " + dtName + " needs " + expected + "; the header lies about offsets");
        if (end > dataBytes)
            throw new SafetensorsException(path, name, "data_offsets end at byte " + end + " but the data section holds only "
                    + dataBytes + " bytes; the file is truncated or the header lies about offsets");
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlap(Path path, Map<String, Entry> entries) throws SafetensorsException {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.removeIf(e -> e.end() == e.begin()); // empty tensors occupy no bytes
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry furthest = null; // the tensor reaching furthest so far, not just the previous one
        for (Entry cur : sorted) {
            if (furthest != null && cur.begin() < furthest.end())
                throw new SafetensorsException(path, cur.name(), "data [" + cur.begin() + ", " + cur.end() + ") overlaps tensor '"
                        + furthest.name() + "' [" + furthest.begin() + ", " + furthest.end() + "); the header lies about offsets");
            if (furthest == null || cur.end() > furthest.end()) furthest = cur;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) throw new SafetensorsException(path, "unexpected end of file while reading the header");
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor entries in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The tensor in its stored dtype, viewing the memory-mapped file (no copy). The mapping is
     * read-only (checkpoints are often read-only files): treat the tensor as immutable and
     * clone it before any in-place update.
     */
    public Tensor tensor(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) throw new SafetensorsException(path, name, "no such tensor in this file");
        TensorOptions options = new TensorOptions(e.dtype().scalarType());
        if (e.end() == e.begin()) return torch.zeros(e.shape(), options);
        if (e.end() - e.begin() > Integer.MAX_VALUE) return beyondJavaMapping(e);
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin());
            mapped = m;
        }
        mappings.add(mapped);
        return torch.from_blob(new BytePointer(mapped), e.shape(), options);
    }

    /**
     * A tensor too large for one {@code MappedByteBuffer}: a view into the file mapped once by libtorch
     * ({@code at::from_file}, a private read-only-file mapping), still without copying.
     */
    private synchronized Tensor beyondJavaMapping(Entry e) throws IOException {
        long at = dataStart + e.begin();
        int itemSize = (int) torch.elementSize(e.dtype().scalarType());
        if (at % itemSize != 0)
            throw new SafetensorsException(path, e.name(), "data starts at byte " + at + ", not a multiple of its " + itemSize
                    + "-byte elements; rewrite the file with aligned offsets");
        if (wholeFile == null)
            wholeFile = Tensors.keep(torch.from_file(path.toString(), new BoolOptional(false), new LongOptional(java.nio.file.Files.size(path)), new TensorOptions(ScalarType.Byte)));
        return wholeFile.narrow(0, at, e.end() - e.begin()).view(e.dtype().scalarType()).view(e.shape());
    }

    /** See {@link SafetensorsCheckpoint#release()}. */
    synchronized void release() {
        mappings.clear();
        if (wholeFile != null) {
            wholeFile.close();
            wholeFile = null;
        }
    }
}
