package io.rrs.export;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.rrs.io.AtomicFiles;
import io.rrs.model.Tensors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: turns an {@link OnnxGraph} into a model file, each weight made, converted to the graph's
 * {@link ExportPrecision}, written and freed in turn (so an export holds about one tensor beyond the
 * model). Weights of at least
 * {@code externalThresholdBytes} go to one external-data file beside the model
 * ({@code NAME.onnx.data}, offsets aligned to 64 bytes, referenced by relative location, as the
 * ONNX external-data convention and ONNX Runtime expect); smaller ones are stored inline. This
 * keeps every model file far below protobuf's 2 GiB limit whatever the checkpoint size. Files
 * appear atomically (temp file, then move).
 */
final class OnnxModelWriter {
    /** Opset 17: LayerNormalization exists; ONNX 1.12 (Debian's python3-onnx) checks it, ORT runs it. */
    static final long OPSET = 17;
    /** IR version 8 (ONNX 1.10 - 1.12), the newest that Debian's onnx checker accepts. */
    static final long IR_VERSION = 8;
    private static final int ALIGNMENT = 64;

    private OnnxModelWriter() {}

    /** Writes {@code dir/fileName} (and {@code fileName.data} when a weight is large); returns the files written. */
    static List<Path> write(OnnxGraph graph, Path dir, String fileName, long externalThresholdBytes, String producerVersion) throws IOException {
        if (externalThresholdBytes < 0) throw new IllegalArgumentException("external-data threshold must be >= 0 bytes, got " + externalThresholdBytes);
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        String dataName = fileName + ".data";
        Path dataFile = dir.resolve(dataName);
        GraphProto.Builder proto = graph.proto();
        try (ExternalData external = new ExternalData(dir, dataName)) {
            for (Map.Entry<String, Supplier<Tensor>> e : graph.weights().entrySet()) {
                // one scope per weight: its merge, conversion and contiguous copy (a transposed projection) are freed once written
                try (PointerScope scope = new PointerScope()) {
                    Tensor stored = e.getValue().get().detach();
                    if (!stored.is_floating_point())
                        throw new IllegalArgumentException("weight '" + e.getKey() + "' of graph " + graph.name() + " is " + stored.scalar_type().intern()
                                + ", not a floating-point tensor; the checkpoint does not hold model weights there");
                    // converted before the copy that makes it contiguous, so that copy is already the narrow one
                    Tensor converted = stored.to(graph.precision().torchType()).contiguous();
                    proto.addInitializer(initializer(e.getKey(), converted, graph.precision(), externalThresholdBytes, external));
                }
            }
            if (external.commit()) written.add(dataFile);
            else Files.deleteIfExists(dataFile); // a stale one from an earlier export would be hashed by mistake
        }
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("rrs-export")
                .setProducerVersion(producerVersion)
                .setGraph(proto)
                .build();
        Path file = dir.resolve(fileName);
        AtomicFiles.write(file, model::writeTo);
        written.add(0, file);
        return written;
    }

    private static TensorProto initializer(String name, Tensor t, ExportPrecision precision, long externalThresholdBytes, ExternalData external)
            throws IOException {
        long bytes = t.nbytes();
        TensorProto.Builder tp = TensorProto.newBuilder().setName(name).setDataType(precision.onnxType().getNumber());
        for (int d = 0; d < t.dim(); d++) tp.addDims(t.size(d));
        if (bytes >= externalThresholdBytes && bytes > 0) {
            long offset = external.append(t);
            tp.setDataLocation(TensorProto.DataLocation.EXTERNAL);
            tp.addExternalData(entry("location", external.name));
            tp.addExternalData(entry("offset", Long.toString(offset)));
            tp.addExternalData(entry("length", Long.toString(bytes)));
        } else {
            // x86 and ARM are little-endian, as ONNX raw_data is
            tp.setRawData(ByteString.copyFrom(new BytePointer(t.data_ptr()).capacity(bytes).asByteBuffer()));
        }
        return tp.build();
    }

    /** The external-data file, opened on the first large weight; a temp file until {@link #commit}. */
    private static final class ExternalData implements AutoCloseable {
        final String name;
        private final Path dir;
        private AtomicFiles.Pending pending;
        private FileChannel channel;
        private long end;

        ExternalData(Path dir, String name) {
            this.dir = dir;
            this.name = name;
        }

        /** Writes the tensor at the next aligned offset and returns that offset. */
        long append(Tensor t) throws IOException {
            if (channel == null) {
                pending = AtomicFiles.begin(dir.resolve(name));
                channel = FileChannel.open(pending.path(), StandardOpenOption.WRITE);
            }
            long offset = (end + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
            channel.position(offset);
            Tensors.writeBytes(t, channel);
            end = offset + t.nbytes();
            return offset;
        }

        /** Moves the data into place under {@code dir/name}; false when no weight went external. */
        boolean commit() throws IOException {
            if (channel == null) return false;
            channel.close();
            channel = null;
            pending.commit();
            return true;
        }

        @Override
        public void close() throws IOException {
            if (channel != null) channel.close();
            if (pending != null) pending.close();
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
