package io.rrs.model.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file or shard index that cannot be used: the message names the file, the tensor
 * when one is at fault, and the problem, so a user can tell a truncated download from a bad
 * export.
 */
public class SafetensorsException extends IOException {
    private final Path file;

    public SafetensorsException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public SafetensorsException(Path file, String tensor, String problem) {
        super(file + ": tensor '" + tensor + "': " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
