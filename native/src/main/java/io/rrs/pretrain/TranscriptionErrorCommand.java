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
        description = "Greedy CTC transcription of a split's clips by a model's audio tower (frames scored against the text embedding, "
                + "as the audio-transcribe task trains it) and its token error against the clips' texts: edit distance / reference tokens, "
                + "overall and per synthesiser engine; prints a few transcripts. Set OPENBLAS_NUM_THREADS to --threads.")
final class TranscriptionErrorCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder 'rrs pretrain' wrote (weights, tokenizer.json, front end).")
    Path model;

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
            r = TranscriptionError.measure(PretrainCommand.resolve(model), dataset, clips, batchSize, examples, bar);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        for (String[] e : r.examples()) System.out.printf("%s%n  said:  %s%n  heard: %s%n", e[0], e[1], e[2]);
        for (Map.Entry<String, TranscriptionError.Count> e : r.byEngine().entrySet())
            System.out.printf("%-12s %5d clips  token error %.3f%n", e.getKey(), e.getValue().clips(), e.getValue().rate());
        System.out.printf("%s: %d clips, %d reference tokens, token error %.3f (%.1f s)%n", split, r.all().clips(), r.all().tokens(), r.all().rate(), seconds);
        return ExitCodes.OK;
    }
}
