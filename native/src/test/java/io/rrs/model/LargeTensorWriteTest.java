package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rrs.model.safetensors.SafetensorsFile;
import io.rrs.model.safetensors.SafetensorsWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tensor over 2 GiB is written whole ({@link Tensors#writeBytes}, which safetensors and the ONNX external
 * data share): marker bytes on both sides of the 2^31 boundary and at the end land at their offsets. The
 * tensor's memory is allocated but never filled, so only the marker pages and the file cache cost memory.
 */
class LargeTensorWriteTest {
    @TempDir
    Path tmp;

    @Test
    void aTensorOverTwoGibibytesIsWrittenWhole() throws Exception {
        long n = (1L << 31) + 12_346; // bytes: 2^30 + 6173 bfloat16 values, the dtype of real checkpoints
        long[] marks = {0, (1L << 30) + 7, (1L << 31) - 1, 1L << 31, (1L << 31) + 1, n - 1};
        Path file = tmp.resolve("big.safetensors");
        try (PointerScope scope = new PointerScope(); BytePointer data = new BytePointer(n)) { // malloc: pages stay untouched until written
            for (int i = 0; i < marks.length; i++) data.put(marks[i], (byte) (17 + 29 * i));
            Tensor big = torch.from_blob(data, new long[] {n / 2}, new TensorOptions(ScalarType.BFloat16));
            SafetensorsWriter.write(file, Map.of("big", big));
        }
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file)) {
            ch.read(head, 0);
            long dataStart = 8 + head.getLong(0);
            assertEquals(dataStart + n, Files.size(file), "every byte of the tensor is in the file");
            for (int i = 0; i < marks.length; i++) {
                ByteBuffer one = ByteBuffer.allocate(1);
                ch.read(one, dataStart + marks[i]);
                assertEquals((byte) (17 + 29 * i), one.get(0), "byte at offset " + marks[i]);
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor back = SafetensorsFile.open(file).tensor("big");
            assertEquals(n / 2, back.numel());
            BytePointer mapped = new BytePointer(back.data_ptr());
            for (int i = 0; i < marks.length; i++) assertEquals((byte) (17 + 29 * i), mapped.get(marks[i]), "mapped byte at " + marks[i]);
        }
    }
}
