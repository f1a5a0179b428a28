package io.rrs.pretrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.data.Manifest;
import io.rrs.data.SpokenDataset;
import io.rrs.io.AtomicFiles;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.model.Weights;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import io.rrs.training.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: how well a model's audio tower hears: greedy CTC decoding of each clip compared with the clip's text. Two
 * readings: against the text embedding in the model's own word pieces ({@link TranscriptionLoss#greedy}), or, given a
 * pretraining state that trained a spelling head, through that head in characters ({@link Spelling#greedy}, against
 * {@link Spelling#symbols}). Error = the summed edit distances (substitutions, insertions, deletions) over the summed
 * reference lengths, overall and per synthesiser engine (or voice, for the espeak-ng plan).
 */
final class TranscriptionError {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Errors and reference length (tokens or symbols) of one group of clips; {@link #rate()} is their error. */
    record Count(long errors, long tokens, int clips) {
        double rate() {
            return errors / (double) Math.max(1, tokens);
        }

        Count add(Count o) {
            return new Count(errors + o.errors, tokens + o.tokens, clips + o.clips);
        }
    }

    /** One clip: what it says, what the tower heard (as text), and its count. */
    record Transcript(Manifest.Entry clip, String heard, Count count) {}

    /** Overall and per-engine counts, and every clip's transcript in the order measured. */
    record Result(Count all, Map<String, Count> byEngine, List<Transcript> transcripts) {}

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

    /**
     * Measures {@code clips}, {@code batchSize} at a time. {@code modelDir} gives the shape, front end and tokenizer; without
     * {@code stateDir} also the weights, read in word pieces; with it, the weights (tower, projector, spelling head) are its
     * latest state's, read in characters.
     */
    static Result measure(Path modelDir, Path stateDir, SpokenDataset data, List<Manifest.Entry> clips, int batchSize, Progress progress)
            throws IOException {
        Map<String, Tensor> head = stateDir == null ? null : PretrainFiles.stateWeights(stateDir);
        if (head != null && !head.containsKey(Spelling.HEAD_WEIGHT))
            throw new IOException(stateDir + " holds no spelling head (" + Spelling.HEAD_WEIGHT + "): its stage did not train the characters' CTC; pass "
                    + "the state of a stage that did (--recipe knowing-hearing: STATE/hear), or leave out --state for the word-piece error");
        Qwen2AudioModel model = head == null ? Qwen2AudioModel.load(modelDir) : stateModel(modelDir, stateDir, head);
        ChatTemplate template = new ChatTemplate(TextTokenizer.open(modelDir.resolve("tokenizer.json")));
        PretrainBatcher batcher = new PretrainBatcher(new QueryEncoder(PretrainFiles.frontEnd(modelDir, model.config()), template));
        Count all = new Count(0, 0, 0);
        Map<String, Count> byEngine = new TreeMap<>();
        List<Transcript> transcripts = new ArrayList<>();
        for (int from = 0; from < clips.size(); from += batchSize) {
            List<Manifest.Entry> entries = clips.subList(from, Math.min(clips.size(), from + batchSize));
            List<PretrainMix.Example> batch = new ArrayList<>();
            for (Manifest.Entry e : entries)
                batch.add(new PretrainMix.Example(PretrainTask.AUDIO_TRANSCRIBE, e.id(), data.wav(e), e.durationS(), e.text(), "", false));
            try (PointerScope scope = new PointerScope()) {
                PretrainBatcher.Transcription t = batcher.transcription(batch, 0);
                List<int[]> heard = head == null ? TranscriptionLoss.greedy(model, t.features(), t.validFrames(), template.padId())
                        : Spelling.greedy(head, model.encodeAudio(t.features(), t.validFrames()), TranscriptionLoss.pooledLengths(t.validFrames()));
                for (int i = 0; i < batch.size(); i++) {
                    Manifest.Entry e = entries.get(i);
                    int[] reference = head == null ? t.targets().get(i) : Spelling.symbols(e.text());
                    Count one = new Count(editDistance(reference, heard.get(i)), reference.length, 1);
                    all = all.add(one);
                    byEngine.merge(e.engine().isEmpty() ? e.voice() : e.engine(), one, Count::add);
                    transcripts.add(new Transcript(e, head == null ? template.tokenizer().decode(heard.get(i)) : Spelling.text(heard.get(i)), one));
                }
            }
            progress.update(Math.min(clips.size(), from + batchSize), clips.size(), String.format("error %.3f", all.rate()));
        }
        return new Result(all, byEngine, transcripts);
    }

    /** The model of {@code modelDir}'s shape with the state's weights (its training heads left out), checked against that shape. */
    private static Qwen2AudioModel stateModel(Path modelDir, Path stateDir, Map<String, Tensor> state) throws IOException {
        Qwen2AudioConfig config = Qwen2AudioConfig.read(modelDir.resolve("config.json"));
        Map<String, Tensor> tensors = PretrainFiles.modelTensors(state, false);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, Tensors.shape(t)));
        Weights.check(Qwen2AudioLayout.expected(config), shapes, stateDir + " (against " + modelDir.resolve("config.json") + ")");
        return new Qwen2AudioModel(config, new Weights(tensors, null));
    }

    /**
     * Writes one JSON line per clip, atomically: id, engine, voice, text (the reference), heard, errors and the reference
     * length as {@code unit} ({@code symbols} or {@code tokens}).
     */
    static void writeTranscripts(Path file, List<Transcript> transcripts, String unit) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Transcript t : transcripts) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", t.clip().id()).put("engine", t.clip().engine()).put("voice", t.clip().voice()).put("text", t.clip().text())
                    .put("heard", t.heard()).put("errors", t.count().errors()).put(unit, t.count().tokens());
            lines.append(JSON.writeValueAsString(o)).append('\n');
        }
        AtomicFiles.writeString(file, lines.toString());
    }
}
