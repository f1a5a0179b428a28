package io.rrs.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format version 1.0/2.0), enough for feature matrices and test
 * references: reading little-endian float32, float64, int16 and int32 arrays of any rank (C
 * order) into doubles, writing float32 and float64. Written by hand because no maintained Java
 * library reads .npy without pulling in a large array framework.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=]?)([fiu])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** An array read from a .npy file: its shape and its values in C order, widened to double. */
    public record Array(int[] shape, double[] data) {
        public int rows() { return shape.length == 0 ? 1 : shape[0]; }
        public int cols() { return shape.length < 2 ? 1 : data.length / Math.max(1, shape[0]); }

        /** The values as a [rows][cols] float matrix (rank 1 becomes a single column). */
        public float[][] toFloatMatrix() {
            int r = rows(), c = cols();
            float[][] m = new float[r][c];
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i][j] = (float) data[i * c + j];
            return m;
        }

        public float[] toFloatArray() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
            return f;
        }
    }

    private Npy() {}

    public static Array read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    public static Array read(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(6);
        if (!Arrays.equals(magic, MAGIC)) throw new IOException(name + ": not a .npy file (bad magic)");
        int major = in.read();
        in.read();
        int headerLen;
        if (major == 1) {
            byte[] b = in.readNBytes(2);
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = in.readNBytes(4);
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(name + ": unsupported .npy version " + major);
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IOException(name + ": malformed .npy header: " + header);
        if (f.group(1).equals("True")) throw new IOException(name + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
        if (d.group(1).equals(">")) throw new IOException(name + ": big-endian arrays are not supported");
        char kind = d.group(2).charAt(0);
        int width = Integer.parseInt(d.group(3));
        int[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        long count = 1;
        for (int dim : shape) count *= dim;
        if (count > Integer.MAX_VALUE / 8) throw new IOException(name + ": array too large (" + count + " elements)");
        byte[] raw = in.readNBytes((int) count * width);
        if (raw.length != count * width) throw new IOException(name + ": truncated data (" + raw.length + " of " + count * width + " bytes)");
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        double[] data = new double[(int) count];
        for (int i = 0; i < data.length; i++) {
            data[i] = switch (kind + "" + width) {
                case "f4" -> buf.getFloat();
                case "f8" -> buf.getDouble();
                case "i2" -> buf.getShort();
                case "i4" -> buf.getInt();
                case "i8" -> buf.getLong();
                case "u1" -> buf.get() & 0xff;
                default -> throw new IOException(name + ": unsupported dtype " + kind + width);
            };
        }
        return new Array(shape, data);
    }

    /** Writes a [rows][cols] matrix as float32. */
    public static void writeFloat32(Path file, float[][] matrix) throws IOException {
        int rows = matrix.length, cols = rows == 0 ? 0 : matrix[0].length;
        ByteBuffer buf = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : matrix) {
            if (row.length != cols) throw new IllegalArgumentException("ragged matrix: rows of " + cols + " and " + row.length);
            for (float v : row) buf.putFloat(v);
        }
        write(file, "<f4", new int[] {rows, cols}, buf.array());
    }

    /** Writes a flat array with the given shape as float32. */
    public static void writeFloat32(Path file, float[] data, int... shape) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) buf.putFloat(v);
        write(file, "<f4", shape, buf.array());
    }

    /** Writes a flat array with the given shape as float64. */
    public static void writeFloat64(Path file, double[] data, int... shape) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) buf.putDouble(v);
        write(file, "<f8", shape, buf.array());
    }

    private static void write(Path file, String descr, int[] shape, byte[] body) throws IOException {
        long count = 1;
        for (int d : shape) count *= d;
        if (count * Integer.parseInt(descr.substring(2)) != body.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not match " + body.length + " bytes");
        StringBuilder sh = new StringBuilder("(");
        for (int d : shape) sh.append(d).append(", ");
        if (shape.length > 1) sh.setLength(sh.length() - 2);
        else if (shape.length == 1) sh.setLength(sh.length() - 1);
        sh.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int unpadded = 6 + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        AtomicFiles.write(file, out -> {
            out.write(MAGIC);
            out.write(1);
            out.write(0);
            out.write(header.length() & 0xff);
            out.write(header.length() >> 8 & 0xff);
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
        });
    }
}
