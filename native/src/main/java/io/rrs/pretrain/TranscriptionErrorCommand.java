package io.rrs.pretrain;

import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.UsageException;
import io.rrs.data.Manifest;
import io.rrs.data.SpokenDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scope: {@code rrs pretrain transcription-error}: how well a pretrained model's audio tower hears a split ({@link TranscriptionError}). */
@Command(name = "transcription-error", mixinStandardHelpOptions = true,
        description = "Greedy CTC transcription of a split's clips by a model's audio tower and its error against the clips' texts: "
                + "edit distance / reference length, overall and per synthesiser engine (or voice); prints a few transcripts. "
                + "Without --state: word pieces, the frames scored against the text embedding as the audio-transcribe task trains them "
                + "(token error). With --state: characters, through the spelling head the state trained (--recipe knowing-hearing's "
                + "hear stage; character error: 2 slots a frame, best symbol per slot, repeats merged, blanks dropped, against the "
                + "text lower-cased to letters, digits, apostrophes and word breaks). Set OPENBLAS_NUM_THREADS to --threads.")
final class TranscriptionErrorCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model folder 'rrs pretrain' wrote: its config.json, front end (preprocessor_config.json) and tokenizer.json, "
                    + "and without --state its weights.")
    Path model;

    @Option(names = "--state", paramLabel = "DIR",
            description = "A pretraining state folder whose latest step holds a spelling head (e.g. STATE/hear of --recipe knowing-hearing; "
                    + "a stage before the last keeps its state in STATE/<stage>/state): measure the character error instead. The audio "
                    + "tower, projector and head all come from that step, float32, as they trained together; --model then gives only the "
                    + "shape, front end and tokenizer: pass the model folder of the same run (for the last stage, the recipe's --out).")
    Path state;

    @Option(names = "--transcripts", paramLabel = "FILE",
            description = "Also write every clip's transcript as one JSON line: id, engine, voice, text, heard (characters, a word break as a "
                    + "space; word pieces decoded without --state), errors, and the reference length as symbols (tokens without --state).")
    Path transcripts;

    @Mixin
    CommonOptions.SpokenData data;

    @Mixin
    CommonOptions.Progress progress;

    @Option(names = "--split", defaultValue = "validation", paramLabel = "NAME",
            description = "Which clips: train, test, pretrain or validation; default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "A seeded choice of N clips (0 = every clip of the split); default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--seed", defaultValue = "20250519", description = "Seed of the --limit choice; default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--batch-size", defaultValue = "16", description = "Clips per forward pass; default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--examples", defaultValue = "5", description = "Transcripts to print; default: ${DEFAULT-VALUE}.")
    int examples;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads; default: ${DEFAULT-VALUE}.")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (limit < 0 || batchSize < 1 || threads < 1 || examples < 0)
            throw new UsageException("--limit must be >= 0, --batch-size and --threads >= 1, --examples >= 0");
        torch.set_num_threads(threads);
        SpokenDataset dataset = SpokenDataset.open(data.dir());
        List<Manifest.Entry> clips = new ArrayList<>(dataset.entries().stream().filter(e -> e.split().equals(split)).toList());
        if (clips.isEmpty()) throw new UsageException(data.dir() + " has no clips in split '" + split + "'; use train, test, pretrain or validation");
        if (limit > 0 && clips.size() > limit) {
            Collections.shuffle(clips, new Random(seed));
            clips = clips.subList(0, limit);
        }
        long started = System.nanoTime();
        TranscriptionError.Result r;
        try (PretrainProgress bar = new PretrainProgress(progress.show(), "transcribe")) {
            r = TranscriptionError.measure(PretrainCommand.resolve(model), state == null ? null : PretrainCommand.resolve(state), dataset, clips,
                    batchSize, bar);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String error = state == null ? "token error" : "character error", unit = state == null ? "tokens" : "symbols";
        if (transcripts != null) TranscriptionError.writeTranscripts(PretrainCommand.resolve(transcripts), r.transcripts(), unit);
        for (TranscriptionError.Transcript t : r.transcripts().subList(0, Math.min(examples, r.transcripts().size())))
            System.out.printf("%s%n  said:  %s%n  heard: %s%n", t.clip().id(), t.clip().text(), t.heard());
        for (Map.Entry<String, TranscriptionError.Count> e : r.byEngine().entrySet())
            System.out.printf("%-12s %5d clips  %s %.3f%n", e.getKey(), e.getValue().clips(), error, e.getValue().rate());
        System.out.printf("%s: %d clips, %d reference %s, %s %.3f (%.1f s)%n", split, r.all().clips(), r.all().tokens(), unit, error, r.all().rate(), seconds);
        return ExitCodes.OK;
    }
}
