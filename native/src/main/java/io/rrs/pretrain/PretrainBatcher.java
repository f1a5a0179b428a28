package io.rrs.pretrain;

import io.rrs.query.AudioBatch;
import io.rrs.query.AudioFeatures;
import io.rrs.query.EncodedQuery;
import io.rrs.query.FeatureCache;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatTemplate;
import io.rrs.training.AnswerTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Scope: pretraining examples -> one left-padded batch of prompt + answer tokens with the next-token targets
 * weighted only on the answer (its {@code <|im_end|>} included), through the helper shared with
 * {@code rrs sft train} ({@link AnswerTokens}); prompts and audio through the model's {@link QueryEncoder},
 * every clip's features kept in memory ({@link FeatureCache}: every epoch reads every utterance), batches
 * cut to their longest clip ({@link QueryEncoder.AudioPadding#BATCH}).
 */
public final class PretrainBatcher {
    private final FeatureCache features;
    private final double firstTokenWeight;
    private final boolean openingByClass;

    public PretrainBatcher(QueryEncoder encoder) {
        this(encoder, 1.0, true);
    }

    /** {@code openingByClass}: compliant answers open by class ({@link PretrainTask#answer(String, boolean, boolean)}). */
    PretrainBatcher(QueryEncoder encoder, double firstTokenWeight, boolean openingByClass) {
        this.features = new FeatureCache(encoder, Long.MAX_VALUE);
        this.firstTokenWeight = firstTokenWeight;
        this.openingByClass = openingByClass;
    }

    private QueryEncoder encoder() {
        return features.encoder();
    }

    private ChatTemplate template() {
        return encoder().template();
    }

    /** The prompt of one example, with its clip when the task hears the question. */
    public EncodedQuery query(PretrainMix.Example e) {
        AudioFeatures audio = e.task().hasAudio() ? features.features(e.utteranceId(), e.wav()) : null;
        return encoder().encode(audio, positions -> e.task().prompt(positions, e.question(), e.instruction()));
    }

    /** The prompt and answer tokens of one example. */
    AnswerTokens.Sequence sequence(PretrainMix.Example e, EncodedQuery query) {
        return AnswerTokens.Sequence.of(query.tokens().ids(), template().encodeAnswer(e.task().answer(e.question(), e.harmful(), openingByClass)));
    }

    /** A batch of {@link PretrainTask#AUDIO_TRANSCRIBE} examples: their clips and the question's token ids. */
    record Transcription(org.bytedeco.pytorch.Tensor features, long[] validFrames, List<int[]> targets) {}

    /** {@code maskSeed} != 0: the features are masked ({@link SpecAugment}) with that seed. */
    Transcription transcription(List<PretrainMix.Example> examples, long maskSeed) {
        List<AudioFeatures> clips = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (PretrainMix.Example e : examples) {
            if (e.task() != PretrainTask.AUDIO_TRANSCRIBE) throw new IllegalArgumentException(e.task() + " in a transcription batch");
            clips.add(features.features(e.utteranceId(), e.wav()));
            targets.add(template().tokenizer().encode(e.task().answer(e.question(), e.harmful())));
        }
        AudioBatch audio = encoder().audio(clips, QueryEncoder.AudioPadding.BATCH);
        if (maskSeed != 0) SpecAugment.mask(audio.features(), audio.melBins(), audio.frames(), audio.validFrames(), new java.util.Random(maskSeed));
        return new Transcription(io.rrs.model.Tensors.floats(audio.features(), examples.size(), audio.melBins(), audio.frames()), audio.validFrames(), targets);
    }

    /** A batch of {@link PretrainTask#AUDIO_MEANING} prompts, left-padded with their clips (no answer: the last column is each row's last prompt token). */
    io.rrs.model.ModelInput meaning(List<PretrainMix.Example> examples) {
        List<EncodedQuery> queries = new ArrayList<>();
        for (PretrainMix.Example e : examples) {
            if (e.task() != PretrainTask.AUDIO_MEANING) throw new IllegalArgumentException(e.task() + " in a meaning batch");
            queries.add(query(e));
        }
        return io.rrs.model.ModelInput.of(encoder().batch(queries, QueryEncoder.AudioPadding.BATCH));
    }

    AnswerTokens.Batch batch(List<PretrainMix.Example> examples) {
        return chat(examples).batch();
    }

    /** A chat batch and, per row, the position of its last prompt token in the left-padded batch (where RRS reads h(x)). */
    record Chat(AnswerTokens.Batch batch, long[] lastPromptPositions) {}

    Chat chat(List<PretrainMix.Example> examples) {
        List<EncodedQuery> queries = new ArrayList<>();
        List<AnswerTokens.Sequence> seqs = new ArrayList<>();
        for (PretrainMix.Example e : examples) {
            EncodedQuery q = query(e);
            queries.add(q);
            seqs.add(sequence(e, q));
        }
        int length = seqs.stream().mapToInt(s -> s.ids().length).max().orElseThrow();
        long[] last = new long[seqs.size()];
        for (int r = 0; r < last.length; r++) last[r] = length - seqs.get(r).ids().length + seqs.get(r).answerStart() - 1; // left padding
        return new Chat(AnswerTokens.leftPadded(seqs, template().padId(), firstTokenWeight).withAudioOf(queries, encoder(), QueryEncoder.AudioPadding.BATCH),
                last);
    }
}
