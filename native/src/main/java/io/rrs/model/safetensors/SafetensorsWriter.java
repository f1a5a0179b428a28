package io.rrs.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import io.rrs.model.Tensors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes tensors as one safetensors file: header padded with spaces to a multiple of 8 bytes
 * (so every tensor's data starts 8-byte aligned when sizes are), data in the given order. The
 * file appears atomically (temp file in the same directory, then a move), so a crash never
 * leaves a half-written checkpoint under the final name.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        Tensor[] contiguous = new Tensor[tensors.size()];
        long offset = 0;
        int i = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue().detach().cpu().contiguous();
            Dtype dtype = Dtype.of(t.scalar_type().intern());
            if (dtype == null)
                throw new SafetensorsException(file, e.getKey(), "cannot write dtype " + t.scalar_type() + "; convert to float32, float16 or bfloat16 first");
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype.name());
            var shape = entry.putArray("shape");
            for (int d = 0; d < t.dim(); d++) shape.add(t.size(d));
            long bytes = t.numel() * dtype.bytes();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
            contiguous[i++] = t;
        }
        byte[] headerBytes = json.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = new byte[padded];
        System.arraycopy(headerBytes, 0, headerPadded, 0, headerBytes.length);
        for (int p = headerBytes.length; p < padded; p++) headerPadded[p] = ' ';

        AtomicFiles.writeVia(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp); WritableByteChannel ch = Channels.newChannel(out)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
                out.write(len.array());
                out.write(headerPadded);
                for (Tensor t : contiguous) {
                    if (t.nbytes() > 0) Tensors.writeBytes(t, ch);
                }
            }
        });
    }
}
