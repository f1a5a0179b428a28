package io.rrs.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Scope: read access to a built spoken dataset (the folder {@code rrs data build} writes) for the
 * trainer and the evaluation: the manifest's utterances, filtered by split and label, with their
 * WAV paths resolved. Fails with the command to run when the build has not happened.
 */
public final class SpokenDataset {
    private final Path dir;
    private final List<Manifest.Entry> entries;

    private SpokenDataset(Path dir, List<Manifest.Entry> entries) {
        this.dir = dir;
        this.entries = List.copyOf(entries);
    }

    /** Opens the dataset in {@code dir} (e.g. data/rrs). */
    public static SpokenDataset open(Path dir) throws IOException {
        Path manifest = dir.resolve(Manifest.FILE);
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("no " + Manifest.FILE + " in " + dir.toAbsolutePath() + "; build the spoken dataset with 'rrs data build'");
        }
        return new SpokenDataset(dir, Manifest.read(manifest));
    }

    /** Every utterance, in manifest order. */
    public List<Manifest.Entry> entries() {
        return entries;
    }

    /** Utterances of one split ("train"/"test") and label ("harmful"/"benign"); null matches any. */
    public List<Manifest.Entry> select(PromptSplit.Split split, SourceDataset.Label label) {
        return entries.stream()
                .filter(e -> split == null || e.split().equals(split.json()))
                .filter(e -> label == null || e.label().equals(label.json()))
                .toList();
    }

    /** The absolute path of an utterance's WAV. */
    public Path wav(Manifest.Entry e) {
        return dir.resolve(e.wav()).toAbsolutePath().normalize();
    }

    /** The dataset folder. */
    public Path dir() {
        return dir;
    }
}
