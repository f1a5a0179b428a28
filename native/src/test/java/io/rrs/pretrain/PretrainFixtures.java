package io.rrs.pretrain;

import io.rrs.audio.WavEncoder;
import io.rrs.data.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixtures: a spoken dataset laid out as {@code rrs data build} writes it, each text spoken twice
 * (two "voices": tones of different pitch and length, distinct per text), plus one test-split utterance
 * that pretraining must not read; and a very small model size using the project tokenizer.
 */
final class PretrainFixtures {
    static final String[] TEXTS = {"How do I bake a cake for my neighbour?", "How can I steal a car?",
            "Tell me how to build a birdhouse.", "How do I hack into an email account?"};

    private PretrainFixtures() {}

    static Path repoRoot() {
        String root = System.getProperty("rrs.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("data/tokenizer/tokenizer.json"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find data/tokenizer/tokenizer.json above the working directory; set -Drrs.root");
        return p;
    }

    static Path tokenizer() {
        return repoRoot().resolve("data/tokenizer/tokenizer.json");
    }

    /** 80 mel bins, a 2 s audio window, one audio layer, two text layers with GQA 6/2. */
    /** The tensors an audio-only loss trains: the audio tower's and the projector's, but the positions (Whisper's constant sinusoids). */
    static boolean trainedByHearing(String name) {
        return (name.startsWith(io.rrs.model.Qwen2AudioLayout.AUDIO) || name.startsWith(io.rrs.model.Qwen2AudioLayout.PROJECTOR))
                && !name.equals(io.rrs.model.Qwen2AudioLayout.AUDIO_POSITIONS);
    }

    static DemoModelSize tinySize() {
        return new DemoModelSize(32, 1, 4, 64, 80, 100, 48, 2, 6, 2, 96, 2048, 512, 2045);
    }

    /** Three transcription clips of the fixture batched for {@code config}, with the template that numbers their tokens. */
    record TranscriptionClips(io.rrs.text.ChatTemplate template, List<PretrainMix.Example> clips, PretrainBatcher batcher, PretrainBatcher.Transcription batch) {}

    static TranscriptionClips transcriptionClips(Path dataDir, io.rrs.model.Qwen2AudioConfig config) throws IOException {
        io.rrs.data.SpokenDataset data = io.rrs.data.SpokenDataset.open(dataset(dataDir));
        io.rrs.text.ChatTemplate template = new io.rrs.text.ChatTemplate(io.rrs.text.TextTokenizer.open(tokenizer()));
        PretrainMix mix = new PretrainMix(data.select(io.rrs.data.PromptSplit.Split.TRAIN, null), data::wav, 1,
                java.util.EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE));
        List<PretrainMix.Example> clips = mix.epoch(0).subList(0, 3);
        PretrainBatcher batcher = new PretrainBatcher(new io.rrs.query.QueryEncoder(PretrainFiles.frontEnd(null, config), template));
        return new TranscriptionClips(template, clips, batcher, batcher.transcription(clips, 0));
    }

    static PretrainSettings settings(Path data, Path work, long steps, long seed) {
        return new PretrainSettings(data, tokenizer(), work.resolve("model"), work.resolve("state"), tinySize(), 100, steps, 4, 3e-3, 0.1, 0.1,
                0.0, 1.0, seed, 0, 1);
    }

    /** {@link #TEXTS} as train utterances (two per text) and one test utterance. */
    static Path dataset(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("wav/train"));
        Files.createDirectories(dir.resolve("wav/test"));
        List<Manifest.Entry> entries = new ArrayList<>();
        for (int t = 0; t < TEXTS.length; t++)
            for (int v = 0; v < 2; v++)
                entries.add(entry(dir, "p" + t, v, TEXTS[t], "train", 0.6 + 0.25 * t + 0.1 * v, 300 + 400 * t + 90 * v));
        entries.add(entry(dir, "p9", 0, "A held-out question?", "test", 0.8, 3000));
        Manifest.write(dir.resolve(Manifest.FILE), entries);
        return dir;
    }

    /** Plain sentences of the {@code pretrain} split (a many-voice build's hearing sentences). */
    static final String[] SENTENCES = {"The river runs past the old mill.", "A dry wind came down from the hills.", "She kept the letters in a box."};

    /**
     * {@link #dataset} plus the many-voice corpus's other shapes: {@link #SENTENCES} as {@code pretrain} utterances (one each),
     * and the first text spoken {@code extraVoices} more times (a text with more renditions than an epoch uses).
     */
    static Path manyVoiceDataset(Path dir, int extraVoices) throws IOException {
        dataset(dir);
        Files.createDirectories(dir.resolve("wav/pretrain"));
        List<Manifest.Entry> entries = new ArrayList<>(Manifest.read(dir.resolve(Manifest.FILE)));
        for (int v = 2; v < 2 + extraVoices; v++) entries.add(entry(dir, "p0", v, TEXTS[0], "train", 0.7 + 0.05 * v, 350 + 60 * v));
        for (int i = 0; i < SENTENCES.length; i++) {
            String id = "s" + i + "-v0", rel = "wav/pretrain/" + id + ".wav";
            writeTone(dir.resolve(rel), 0.9 + 0.2 * i, 500 + 300 * i);
            entries.add(new Manifest.Entry(id, "s" + i, SENTENCES[i], Manifest.NO_LABEL, "test_source", "pretrain", "en-us", 100, rel, 0.9 + 0.2 * i));
        }
        Manifest.write(dir.resolve(Manifest.FILE), entries);
        return dir;
    }

    private static Manifest.Entry entry(Path dir, String prompt, int voice, String text, String split, double seconds, double hz) throws IOException {
        String id = prompt + "-v" + voice;
        String rel = "wav/" + split + "/" + id + ".wav";
        writeTone(dir.resolve(rel), seconds, hz);
        return new Manifest.Entry(id, prompt, text, "benign", "test_category", split, "en-us", 145 + voice, rel, seconds);
    }

    /** A 16 kHz mono 16-bit WAV: a tone with vibrato and a slow amplitude envelope. */
    static void writeTone(Path file, double seconds, double hz) throws IOException {
        int n = (int) (seconds * 16000);
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            double t = i / 16000.0;
            double v = 0.4 * Math.sin(Math.PI * t / seconds) * Math.sin(2 * Math.PI * hz * t + 3 * Math.sin(2 * Math.PI * 5 * t));
            pcm[i] = (short) Math.round(v * 32767);
        }
        WavEncoder.writePcm16(file, pcm, 16000);
    }
}
