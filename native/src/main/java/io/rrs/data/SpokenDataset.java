package io.rrs.data;

import io.rrs.text.InputCondition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Scope: read access to a built spoken dataset (the folder {@code rrs data build} writes) for the
 * trainer and the evaluation: the manifest's utterances, filtered by split and label, with their
 * WAV paths resolved. Fails with the command to run when the build has not happened. Written rows
 * (questions without a recording, {@link Manifest.Entry#written}) are selected only for an input
 * condition without audio.
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

    /** Spoken utterances of one split ("train"/"test") and label ("harmful"/"benign"); null matches any. */
    public List<Manifest.Entry> select(PromptSplit.Split split, SourceDataset.Label label) {
        return select(split, label, InputCondition.AUDIO_TEXT);
    }

    /**
     * The rows of one split and label that {@code condition} can use: the spoken utterances, and the written rows
     * too when the condition has no audio; in manifest order, null matching any split or label.
     */
    public List<Manifest.Entry> select(PromptSplit.Split split, SourceDataset.Label label, InputCondition condition) {
        return entries.stream()
                .filter(e -> split == null || e.split().equals(split.json()))
                .filter(e -> label == null || e.label().equals(label.json()))
                .filter(e -> !e.written() || !condition.hasAudio())
                .toList();
    }

    /** The absolute path of an utterance's WAV; a written row has none. */
    public Path wav(Manifest.Entry e) {
        if (e.written()) throw new IllegalArgumentException(e.id() + " in " + dir + " is a written row (no wav); only the text-only condition can use it");
        return dir.resolve(e.wav()).toAbsolutePath().normalize();
    }

    /** The dataset folder. */
    public Path dir() {
        return dir;
    }
}
