package io.rrs.pretrain;

import io.rrs.data.Manifest;
import io.rrs.data.hearing.HearingSentences;
import io.rrs.text.Prompts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scope: one epoch's training examples, a seeded function of (seed, epoch). Per training text: its
 * utterances share out the four audio tasks (each text gets every audio task once per epoch when it has
 * four utterances, as the built dataset does: 2 voices x 2 rates), plus both text tasks. So the six tasks
 * appear about equally often: compliant 3/6, refusal 2/6, repeat 1/6; all three input conditions.
 * Instructions are drawn per example from the pool of ten plus the evaluation prompt (and, for
 * refusals, "none": audio + the refusal instruction alone). With {@link PretrainTask#AUDIO_TRANSCRIBE} selected, every
 * utterance also gives one transcribe example, batched apart from the chat examples (another loss), and so does every
 * hearing sentence (the many-voice corpus's {@code pretrain} split: plain sentences). With
 * {@link PretrainTask#AUDIO_MEANING} selected, every such utterance and sentence also gives one meaning example (its
 * prompt the clip alone or with an instruction of the pool, half and half, drawn apart from the chat examples' draws),
 * batched apart as well.
 *
 * <p>A text spoken more than {@link #UTTERANCES_PER_TEXT} times (the many-voice corpus: 51 renditions) gives that many
 * of them per epoch, a seeded draw per (seed, epoch, text), so an epoch keeps the espeak-ng dataset's size and the
 * voices vary from epoch to epoch; a text with at most that many keeps them all and draws exactly as before.
 */
public final class PretrainMix {
    /** One training example: the task, the utterance (null for text tasks) and its length, the question, the instruction, its class. */
    public record Example(PretrainTask task, String utteranceId, Path wav, double seconds, String question, String instruction, boolean harmful) {
        public Example {
            if (task == null) throw new IllegalArgumentException("an example needs a task");
            if (question == null || question.isBlank()) throw new IllegalArgumentException("example " + utteranceId + ": empty question");
            if (task.hasAudio() && (utteranceId == null || wav == null))
                throw new IllegalArgumentException(task + " needs an utterance with a WAV file");
            if (instruction == null) throw new IllegalArgumentException("instruction must not be null (use \"\")");
        }

        /** A rough token count (25 audio positions per second, ~4 characters per text token), for length bucketing. */
        double estimatedTokens() {
            return (task.hasAudio() ? 25 * seconds : 0) + (task.hasAudio() ? instruction.length() : question.length()) / 4.0
                    + (task == PretrainTask.AUDIO_TEXT_REFUSE || task == PretrainTask.TEXT_REFUSE ? 20 : 0);
        }
    }

    /** Examples sorted by length inside windows of this many batches, so a batch pads little but stays mixed across the epoch. */
    static final int BUCKET_WINDOW_BATCHES = 16;

    /** Renditions of one training text used per epoch (one per audio task); more are drawn from per epoch. */
    static final int UTTERANCES_PER_TEXT = 4;

    private static final List<PretrainTask> AUDIO_TASKS = List.of(PretrainTask.AUDIO_TEXT_COMPLY, PretrainTask.AUDIO_TEXT_REFUSE,
            PretrainTask.AUDIO_ONLY_COMPLY, PretrainTask.AUDIO_REPEAT);

    private final Map<String, List<Manifest.Entry>> utterancesByText;
    private final Map<String, Path> wavs;
    private final List<Manifest.Entry> sentences;
    private final long seed;
    private final java.util.Set<PretrainTask> tasks;

    /** The default mix; {@code utterances}: training entries; {@code wavOf} resolves each entry's WAV. */
    public PretrainMix(List<Manifest.Entry> utterances, java.util.function.Function<Manifest.Entry, Path> wavOf, long seed) {
        this(utterances, wavOf, seed, PretrainSettings.DEFAULT_TASKS);
    }

    /**
     * Only {@code tasks}: a text's utterances share out the kept audio tasks (none kept: its audio is not used),
     * and the kept text tasks are added once per text. {@code utterances} may hold hearing sentences (split
     * {@code pretrain}): with {@link PretrainTask#AUDIO_TRANSCRIBE} kept each gives one transcribe example an epoch, else
     * they are not used.
     */
    public PretrainMix(List<Manifest.Entry> utterances, java.util.function.Function<Manifest.Entry, Path> wavOf, long seed,
                       java.util.Set<PretrainTask> tasks) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("no pretraining task selected; name at least one of " + PretrainTask.names());
        this.tasks = java.util.Set.copyOf(tasks);
        if (utterances.isEmpty()) throw new IllegalArgumentException("no training utterances; build the spoken dataset with 'rrs data build'");
        this.utterancesByText = new LinkedHashMap<>();
        this.wavs = new LinkedHashMap<>();
        List<Manifest.Entry> sentences = new ArrayList<>();
        for (Manifest.Entry e : utterances) {
            if (e.split().equals(HearingSentences.PRETRAIN)) {
                if (this.tasks.stream().anyMatch(PretrainTask::readsHearingSentences)) sentences.add(e);
            } else if (e.split().equals("train")) {
                utterancesByText.computeIfAbsent(e.promptId(), k -> new ArrayList<>()).add(e);
            } else {
                throw new IllegalArgumentException(e.id() + " is in the " + e.split() + " split; pretraining reads train and pretrain only");
            }
            wavs.put(e.id(), wavOf.apply(e));
        }
        if (utterancesByText.isEmpty()) throw new IllegalArgumentException("no training utterances; build the spoken dataset with 'rrs data build'");
        this.sentences = List.copyOf(sentences);
        this.seed = seed;
    }

    /** Number of distinct training texts. */
    public int texts() {
        return utterancesByText.size();
    }

    /** The distinct training questions, in the order their texts were first listed. */
    public List<String> questions() {
        return utterancesByText.values().stream().map(g -> g.get(0).text()).distinct().toList();
    }

    /** The hearing sentences' texts (those of {@code pretrain} utterances kept: with a task that reads them). */
    public List<String> sentences() {
        return sentences.stream().map(Manifest.Entry::text).distinct().toList();
    }

    /** Examples of one epoch, in training order (a seeded shuffle). */
    public List<Example> epoch(int epoch) {
        Random rnd = new Random(Seeds.mix(seed, epoch, 0x6D6978));
        Random meaning = new Random(Seeds.mix(seed, epoch, 0x6D65616EL)); // apart from rnd: the chat draws do not depend on it
        List<Example> out = new ArrayList<>();
        Random voices = new Random(Seeds.mix(seed, epoch, 0x766F6963)); // apart from rnd: a dataset of <= 4 renditions draws as before
        for (List<Manifest.Entry> all : utterancesByText.values()) {
            List<Manifest.Entry> group = all;
            if (all.size() > UTTERANCES_PER_TEXT) {
                group = new ArrayList<>(all);
                Collections.shuffle(group, voices);
                group = group.subList(0, UTTERANCES_PER_TEXT);
            }
            String question = group.get(0).text();
            boolean harmful = group.get(0).label().equals("harmful");
            List<PretrainTask> audioTasks = new ArrayList<>(AUDIO_TASKS);
            audioTasks.retainAll(tasks); // before the shuffle, so a mix of every task draws as it always did
            Collections.shuffle(audioTasks, rnd);
            for (int i = 0; i < group.size() && !audioTasks.isEmpty(); i++) {
                Manifest.Entry e = group.get(i);
                PretrainTask task = audioTasks.get(i % audioTasks.size());
                out.add(new Example(task, e.id(), wavs.get(e.id()), e.durationS(), question, instruction(task, rnd), harmful));
            }
            if (tasks.contains(PretrainTask.TEXT_COMPLY)) out.add(new Example(PretrainTask.TEXT_COMPLY, null, null, 0, question, "", harmful));
            if (tasks.contains(PretrainTask.TEXT_REFUSE)) out.add(new Example(PretrainTask.TEXT_REFUSE, null, null, 0, question, "", harmful));
            if (tasks.contains(PretrainTask.AUDIO_TRANSCRIBE)) // every utterance, besides its chat task; draws nothing
                for (Manifest.Entry e : group) out.add(new Example(PretrainTask.AUDIO_TRANSCRIBE, e.id(), wavs.get(e.id()), e.durationS(), question, "", harmful));
            if (tasks.contains(PretrainTask.AUDIO_MEANING))
                for (Manifest.Entry e : group) out.add(meaningExample(e, question, harmful, meaning));
        }
        for (Manifest.Entry e : sentences) {
            if (tasks.contains(PretrainTask.AUDIO_TRANSCRIBE)) out.add(new Example(PretrainTask.AUDIO_TRANSCRIBE, e.id(), wavs.get(e.id()), e.durationS(), e.text(), "", false));
            if (tasks.contains(PretrainTask.AUDIO_MEANING)) out.add(meaningExample(e, e.text(), false, meaning));
        }
        Collections.shuffle(out, rnd);
        return out;
    }

    /** A meaning example of {@code e}: audio alone or with an instruction of the pool (the evaluation's included), half and half. */
    private Example meaningExample(Manifest.Entry e, String text, boolean harmful, Random rnd) {
        String instruction = rnd.nextBoolean() ? "" : pick(rnd.nextInt(Prompts.INSTRUCTION_POOL.size() + 1));
        return new Example(PretrainTask.AUDIO_MEANING, e.id(), wavs.get(e.id()), e.durationS(), text, instruction, harmful);
    }

    /**
     * One epoch's batches: the shuffled examples, sorted by length inside windows of {@link #BUCKET_WINDOW_BATCHES}
     * batches, cut into batches, and the batches shuffled. Why: text-only rows are a third of audio rows' length,
     * and a mixed batch pads all to the longest.
     */
    public List<List<Example>> epochBatches(int epoch, int batchSize) {
        List<Example> examples = epoch(epoch);
        List<List<Example>> batches = new ArrayList<>();
        // chat, transcribe and meaning examples train through different losses: never in one batch
        cut(examples.stream().filter(e -> e.task().isChat()).toList(), batchSize, batches);
        cut(examples.stream().filter(e -> e.task() == PretrainTask.AUDIO_TRANSCRIBE).toList(), batchSize, batches);
        cut(examples.stream().filter(e -> e.task() == PretrainTask.AUDIO_MEANING).toList(), batchSize, batches);
        Collections.shuffle(batches, new Random(Seeds.mix(seed, epoch, 0x627563)));
        return batches;
    }

    private static void cut(List<Example> examples, int batchSize, List<List<Example>> batches) {
        int window = batchSize * BUCKET_WINDOW_BATCHES;
        for (int from = 0; from < examples.size(); from += window) {
            List<Example> part = new ArrayList<>(examples.subList(from, Math.min(examples.size(), from + window)));
            part.sort(java.util.Comparator.comparingDouble(Example::estimatedTokens)); // stable: ties keep the shuffled order
            for (int b = 0; b < part.size(); b += batchSize) batches.add(List.copyOf(part.subList(b, Math.min(part.size(), b + batchSize))));
        }
    }

    private static String instruction(PretrainTask task, Random rnd) {
        int pool = Prompts.INSTRUCTION_POOL.size();
        return switch (task) {
            case AUDIO_TEXT_COMPLY -> pick(rnd.nextInt(pool + 1));
            case AUDIO_TEXT_REFUSE -> {
                int i = rnd.nextInt(pool + 2);
                yield i == pool + 1 ? "" : pick(i);
            }
            default -> "";
        };
    }

    private static String pick(int i) {
        return i < Prompts.INSTRUCTION_POOL.size() ? Prompts.INSTRUCTION_POOL.get(i) : Prompts.AUDIO_TEXT_INSTRUCTION;
    }
}
