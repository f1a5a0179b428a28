package io.rrs.pretrain;

import io.rrs.data.Manifest;
import io.rrs.data.PromptSplit;
import io.rrs.data.SpokenDataset;
import io.rrs.data.hearing.HearingSentences;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.ModelOutput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.model.RandomInit;
import io.rrs.model.Weights;
import io.rrs.query.QueryEncoder;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import io.rrs.training.AdamWConfig;
import io.rrs.training.AdamWOptimizer;
import io.rrs.training.AnswerTokens;
import io.rrs.training.Progress;
import io.rrs.training.StepListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: {@code rrs pretrain}, the demo base model (DESIGN section 7): a seeded random Qwen2-Audio-layout
 * model trained, every weight including the audio tower, with cross-entropy on the answer tokens of the
 * {@link PretrainMix}; AdamW ({@link AdamWOptimizer}, whose state we save for an exact resume), linear
 * warmup + cosine decay, global-norm clipping. Per epoch (and at the end) it writes the model
 * ({@link PretrainFiles#writeModel}) and a resumable state. Deterministic: weights from the seed, data
 * order and instruction draws from (seed, epoch); same machine and threads give the same bits.
 */
public final class PretrainTrainer {
    /** Outcome: every step's loss so far, steps and samples of this run, and its wall time. */
    public record Result(List<Double> losses, long steps, long samplesThisRun, double seconds) {
        public double samplesPerSecond() {
            return samplesThisRun / Math.max(seconds, 1e-9);
        }
    }

    private PretrainTrainer() {}

    public static Result train(PretrainSettings s, boolean resume, Progress progress, StepListener listener) throws IOException {
        torch.set_num_threads(s.threads());
        TextTokenizer tokenizer = TextTokenizer.open(s.tokenizerFile());
        ChatTemplate template = new ChatTemplate(tokenizer);
        Qwen2AudioConfig config = s.size().toConfig();
        if (config.audioTokenIndex() != template.audioTokenId() || config.text().vocabSize() < tokenizer.vocabSize())
            throw new IllegalArgumentException("the model size (audio_token_index " + config.audioTokenIndex() + ", vocab " + config.text().vocabSize()
                    + ") does not fit " + s.tokenizerFile() + " (<|AUDIO|> " + template.audioTokenId() + ", vocab " + tokenizer.vocabSize()
                    + "); size the model from the tokenizer (DemoModelSize.demo)");
        PretrainMix mix = mix(s);
        int batchesPerEpoch = mix.epochBatches(0, s.batchSize()).size();
        long totalSteps = s.steps() > 0 ? s.steps() : (long) batchesPerEpoch * s.epochs();
        long stopAt = s.stopAfterEpochs() > 0 ? Math.min(totalSteps, (long) batchesPerEpoch * s.stopAfterEpochs()) : totalSteps;

        PretrainFiles.State state = resume ? PretrainFiles.loadState(s) : null;
        if (!resume && PretrainFiles.latest(s.stateDir()) != null)
            throw new IOException(s.stateDir() + " already holds a pretraining state; continue it with --resume, or pass a new --state DIR");
        Distillation distillation = s.teacher() == null ? null : Distillation.open(s, tokenizer, config, distilledTexts(s, mix));
        Map<String, Tensor> parameters = new LinkedHashMap<>(state != null ? state.model()
                : s.initFrom() != null ? PretrainFiles.modelWeights(s.initFrom()) : RandomInit.weights(config, s.seed()));
        if (state == null && distillation != null) distillation.initialise(parameters, s.initFrom() != null);
        boolean spelling = PretrainFiles.spells(s);
        if (state == null && spelling) Spelling.initialise(parameters, config.text().hiddenSize(), s.seed());
        Map<String, Tensor> trained = new LinkedHashMap<>(parameters);
        trained.remove(io.rrs.model.Qwen2AudioLayout.AUDIO_POSITIONS);
        if (distillation != null) trained.keySet().removeAll(Distillation.FROZEN);
        if (s.teacher() != null && s.teacher().decoderFrozen()) trained.keySet().removeIf(name -> !trainsWithTheDecoderFrozen(name));
        for (Tensor p : trained.values()) p.requires_grad_(true);
        Map<String, Tensor> modelTensors = new LinkedHashMap<>(parameters);
        modelTensors.keySet().removeIf(TrainingHead::owns);
        Qwen2AudioModel model = new Qwen2AudioModel(config, new Weights(modelTensors, null));
        AdamWOptimizer optimizer = new AdamWOptimizer(trained, new AdamWConfig(s.learningRate(), 0.9, 0.95, 1e-8, s.weightDecay(), s.clipNorm()));
        List<Double> losses = new ArrayList<>();
        long step = 0;
        int startEpoch = 0, startBatch = 0;
        if (state != null) {
            optimizer.load(state.optimizer(), state.step(), s.stateDir().toString());
            losses.addAll(state.losses());
            step = state.step();
            startEpoch = state.epoch();
            startBatch = state.nextBatch();
        }

        PretrainBatcher batcher = new PretrainBatcher(new QueryEncoder(PretrainFiles.frontEnd(s.initFrom(), config), template), s.firstTokenWeight(),
                s.teacher() == null);
        boolean masking = PretrainFiles.masksTranscription(s);
        long samples = 0, started = System.nanoTime();
        outer:
        for (int epoch = startEpoch; step < stopAt; epoch++) {
            List<List<PretrainMix.Example>> batches = mix.epochBatches(epoch, s.batchSize());
            long epochStarted = System.nanoTime(), epochSamples = 0;
            double epochLoss = 0;
            for (int batch = epoch == startEpoch ? startBatch : 0; batch < batchesPerEpoch && step < stopAt; batch++) {
                List<PretrainMix.Example> picked = batches.get(batch);
                double loss, norm;
                try (PointerScope scope = new PointerScope()) {
                    Tensor lossTensor;
                    if (picked.get(0).task() == PretrainTask.AUDIO_MEANING) {
                        Tensor states = model.lastTokenHidden(batcher.meaning(picked));
                        lossTensor = distillation.loss(parameters, states, picked).mul(Tensors.scalar(s.teacher().distillWeight()));
                    } else if (picked.get(0).task().isChat() && distillation != null) {
                        PretrainBatcher.Chat chat = batcher.chat(picked);
                        ModelOutput out = model.forward(chat.batch().input());
                        lossTensor = AnswerTokens.loss(out, chat.batch());
                        Tensor distilled = distillation.loss(parameters, out.hidden(), chat.lastPromptPositions(), picked);
                        lossTensor = lossTensor.add(distilled.mul(Tensors.scalar(s.teacher().distillWeight())));
                    } else if (picked.get(0).task().isChat()) {
                        lossTensor = AnswerTokens.loss(model, batcher.batch(picked));
                    } else {
                        PretrainBatcher.Transcription t = batcher.transcription(picked, masking ? Seeds.mix(s.seed(), epoch, 0x6D61736BL + batch) : 0);
                        lossTensor = spelling
                                ? TranscriptionLoss.lossWithSpelling(model, parameters, t.features(), t.validFrames(), t.targets(), template.padId(),
                                        picked.stream().map(PretrainMix.Example::question).toList(), epoch >= s.teacher().spellFirstEpochs(),
                                        s.teacher().spellingWeight())
                                : TranscriptionLoss.loss(model, t.features(), t.validFrames(), t.targets(), template.padId());
                    }
                    lossTensor.backward();
                    loss = lossTensor.item_double();
                    if (!Double.isFinite(loss))
                        throw new IllegalStateException("loss is " + loss + " at step " + (step + 1) + "; lower --lr (now " + s.learningRate() + ")");
                    norm = optimizer.clipGradients();
                    optimizer.step(s.learningRateAt(step + 1, totalSteps));
                }
                step++;
                samples += picked.size();
                epochSamples += picked.size();
                epochLoss += loss * picked.size();
                losses.add(loss);
                boolean epochEnd = batch == batchesPerEpoch - 1, last = step == stopAt;
                if (epochEnd || last) {
                    PretrainFiles.State now = new PretrainFiles.State(epochEnd ? epoch + 1 : epoch, epochEnd ? 0 : batch + 1, step, losses, parameters,
                            optimizer.state());
                    PretrainFiles.saveState(s, now);
                    PretrainFiles.writeModel(s, config, parameters, now);
                }
                progress.update(step, totalSteps, String.format("epoch %d loss %.4f |g| %.2f", epoch + 1, loss, norm));
                listener.afterStep(step, loss);
                if (epochEnd || last) listener.afterEpoch(epoch, epochLoss / epochSamples, (System.nanoTime() - epochStarted) / 1e9, epochSamples);
                if (last) break outer;
            }
        }
        if (state != null && samples == 0) // resumed a finished run: rewrite the model from the state, in case a kill came between the two writes
            PretrainFiles.writeModel(s, config, parameters, state);
        return new Result(List.copyOf(losses), step, samples, (System.nanoTime() - started) / 1e9);
    }

    /** The texts the teacher embeds: the training questions, and the hearing sentences when a meaning task reads them. */
    private static List<String> distilledTexts(PretrainSettings s, PretrainMix mix) {
        if (!s.tasks().contains(PretrainTask.AUDIO_MEANING)) return mix.questions();
        List<String> texts = new ArrayList<>(mix.questions());
        texts.addAll(mix.sentences());
        return texts;
    }

    /** With the decoder frozen, what still trains: the audio tower, the projector and the spelling head. */
    static boolean trainsWithTheDecoderFrozen(String name) {
        return name.startsWith(io.rrs.model.Qwen2AudioLayout.AUDIO) || name.startsWith(io.rrs.model.Qwen2AudioLayout.PROJECTOR)
                || name.startsWith(TrainingHead.SPELL.prefix());
    }

    /**
     * The train split's utterances, and with a task that reads them ({@link PretrainTask#readsHearingSentences}) the hearing sentences ({@code pretrain}
     * split); with --limit, a seeded choice of that many texts (with all their utterances) and of that many sentences.
     */
    static PretrainMix mix(PretrainSettings s) throws IOException {
        SpokenDataset data = SpokenDataset.open(s.dataDir());
        List<Manifest.Entry> train = new ArrayList<>(data.select(PromptSplit.Split.TRAIN, null));
        if (train.isEmpty()) throw new IOException(s.dataDir() + " has no train-split utterances; rebuild it with 'rrs data build'");
        if (s.limit() > 0) {
            List<String> texts = new ArrayList<>(new TreeSet<>(train.stream().map(Manifest.Entry::promptId).toList()));
            Collections.shuffle(texts, new Random(s.seed()));
            Set<String> kept = Set.copyOf(texts.subList(0, Math.min(s.limit(), texts.size())));
            train.removeIf(e -> !kept.contains(e.promptId()));
        }
        if (s.tasks().stream().anyMatch(PretrainTask::readsHearingSentences)) { // the hearing sentences of a many-voice build (none in the espeak-ng one)
            List<Manifest.Entry> sentences = new ArrayList<>(data.entries().stream().filter(e -> e.split().equals(HearingSentences.PRETRAIN)).toList());
            if (s.limit() > 0 && sentences.size() > s.limit()) {
                Collections.shuffle(sentences, new Random(s.seed()));
                sentences = sentences.subList(0, s.limit());
            }
            train.addAll(sentences);
        }
        return new PretrainMix(train, data::wav, s.seed(), s.tasks());
    }
}
