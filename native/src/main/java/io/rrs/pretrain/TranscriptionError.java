package io.rrs.pretrain;

import io.rrs.data.Manifest;
import io.rrs.data.SpokenDataset;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import io.rrs.training.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.PointerScope;

/**
 * Scope: how well a model's audio tower hears: greedy CTC decoding of each clip against the text embedding
 * ({@link TranscriptionLoss#greedy}) compared with the clip's text in the model's own tokens. Token error = the summed
 * edit distances (substitutions, insertions, deletions) over the summed reference lengths, overall and per synthesiser
 * engine (or voice, for the espeak-ng plan).
 */
final class TranscriptionError {
    /** Errors and reference tokens of one group of clips; {@link #rate()} is their token error. */
    record Count(long errors, long tokens, int clips) {
        double rate() {
            return errors / (double) Math.max(1, tokens);
        }

        Count add(Count o) {
            return new Count(errors + o.errors, tokens + o.tokens, clips + o.clips);
        }
    }

    /** Overall and per-engine counts, and the first few transcripts (reference, hypothesis) for reading. */
    record Result(Count all, Map<String, Count> byEngine, List<String[]> examples) {}

    private TranscriptionError() {}

    /** Levenshtein distance between two id sequences. */
    static int editDistance(int[] a, int[] b) {
        int[] row = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) row[j] = j;
        for (int i = 1; i <= a.length; i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length; j++) {
                int up = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = up;
            }
        }
        return row[b.length];
    }

    /** Measures {@code model} (its folder: weights, tokenizer, front end) on {@code clips}, {@code batchSize} at a time. */
    static Result measure(Path modelDir, SpokenDataset data, List<Manifest.Entry> clips, int batchSize, int keepExamples, Progress progress)
            throws IOException {
        Qwen2AudioModel model = Qwen2AudioModel.load(modelDir);
        ChatTemplate template = new ChatTemplate(TextTokenizer.open(modelDir.resolve("tokenizer.json")));
        PretrainBatcher batcher = new PretrainBatcher(new QueryEncoder(PretrainFiles.frontEnd(modelDir, model.config()), template));
        Count all = new Count(0, 0, 0);
        Map<String, Count> byEngine = new TreeMap<>();
        List<String[]> examples = new ArrayList<>();
        for (int from = 0; from < clips.size(); from += batchSize) {
            List<PretrainMix.Example> batch = new ArrayList<>();
            for (Manifest.Entry e : clips.subList(from, Math.min(clips.size(), from + batchSize)))
                batch.add(new PretrainMix.Example(PretrainTask.AUDIO_TRANSCRIBE, e.id(), data.wav(e), e.durationS(), e.text(), "", false));
            try (PointerScope scope = new PointerScope()) {
                PretrainBatcher.Transcription t = batcher.transcription(batch, 0);
                List<int[]> heard = TranscriptionLoss.greedy(model, t.features(), t.validFrames(), template.padId());
                for (int i = 0; i < batch.size(); i++) {
                    int[] reference = t.targets().get(i);
                    int errors = editDistance(reference, heard.get(i));
                    Manifest.Entry e = clips.get(from + i);
                    Count one = new Count(errors, reference.length, 1);
                    all = all.add(one);
                    byEngine.merge(e.engine().isEmpty() ? e.voice() : e.engine(), one, Count::add);
                    if (examples.size() < keepExamples) examples.add(new String[] {e.id(), e.text(), template.tokenizer().decode(heard.get(i))});
                }
            }
            progress.update(Math.min(clips.size(), from + batchSize), clips.size(), String.format("token error %.3f", all.rate()));
        }
        return new Result(all, byEngine, examples);
    }
}
