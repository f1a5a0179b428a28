package io.rrs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file or directory written through {@link AtomicFiles} is the new content or the old, never part of
 * either: a writer that throws half-way leaves the target as it was and nothing else in its folder; a
 * successful write replaces the target and leaves no temporary file or directory. SHA-256 against the
 * FIPS 180-2 test vector.
 */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriterThatThrowsLeavesTheOldContentAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("state.json");
        AtomicFiles.writeString(target, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("new, half of it".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("state.json"), names(dir));

        Path fresh = dir.resolve("fresh.bin");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeVia(fresh, tmp -> {
            Files.writeString(tmp, "partial");
            throw new IllegalStateException("writer bug");
        }));
        assertFalse(Files.exists(fresh), "a target that did not exist still does not");
        assertEquals(List.of("state.json"), names(dir));
    }

    @Test
    void aSuccessfulWriteReplacesTheTargetAndCreatesItsFolder() throws Exception {
        Path target = dir.resolve("sub/folder/data.bin");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        AtomicFiles.write(target, out -> out.write(new byte[] {4, 5}));
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(target));
        assertEquals(List.of("data.bin"), names(target.getParent()));
    }

    @Test
    void aPendingFileIsDeletedUnlessCommitted() throws Exception {
        Path target = dir.resolve("model.onnx.data");
        Path tmp;
        try (AtomicFiles.Pending p = AtomicFiles.begin(target)) {
            tmp = p.path();
            Files.writeString(tmp, "abandoned");
            assertTrue(tmp.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX), tmp.toString());
        }
        assertFalse(Files.exists(tmp));
        assertFalse(Files.exists(target));
        try (AtomicFiles.Pending p = AtomicFiles.begin(target)) {
            Files.writeString(p.path(), "kept");
            p.commit();
        }
        assertEquals("kept", Files.readString(target));
        assertEquals(List.of("model.onnx.data"), names(dir));
    }

    @Test
    void aDirectoryIsReplacedWholeOrNotAtAll() throws Exception {
        Path target = dir.resolve("run");
        AtomicFiles.writeDirectory(target, tmp -> {
            Files.writeString(tmp.resolve("a.txt"), "first a");
            Files.writeString(tmp.resolve("b.txt"), "first b");
        });
        assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(target, tmp -> {
            Files.writeString(tmp.resolve("a.txt"), "second a");
            throw new IOException("killed half-way");
        }));
        assertEquals(List.of("a.txt", "b.txt"), names(target));
        assertEquals("first a", Files.readString(target.resolve("a.txt")));
        assertEquals(List.of("run"), names(dir), "no temporary directory is left");

        AtomicFiles.writeDirectory(target, tmp -> Files.writeString(tmp.resolve("c.txt"), "second c"));
        assertEquals(List.of("c.txt"), names(target), "the old directory's files are gone with it");
        assertEquals(List.of("run"), names(dir));
    }

    @Test
    void sha256OfFilesAndBytesIsTheStandardDigest() throws Exception {
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2, "abc"
        assertEquals(abc, AtomicFiles.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
        Path f = dir.resolve("abc.txt");
        Files.writeString(f, "abc");
        assertEquals(abc, AtomicFiles.sha256(f));
        byte[] big = new byte[(1 << 20) + 17]; // more than one read buffer
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        AtomicFiles.write(f, big);
        assertEquals(AtomicFiles.sha256(big), AtomicFiles.sha256(f));
    }
}
