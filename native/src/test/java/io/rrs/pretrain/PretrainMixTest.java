package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.data.SpokenDataset;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.text.TextTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainMixTest {
    @TempDir
    static Path tmp;
    static SpokenDataset data;
    static ChatTemplate template;

    @BeforeAll
    static void fixtures() throws Exception {
        data = SpokenDataset.open(PretrainFixtures.dataset(tmp.resolve("data")));
        template = new ChatTemplate(TextTokenizer.open(PretrainFixtures.tokenizer()));
    }

    private static PretrainMix mix(long seed) {
        return new PretrainMix(data.select(io.rrs.data.PromptSplit.Split.TRAIN, null), data::wav, seed);
    }

    @Test
    void everyTaskAndConditionAppearsAndTextTasksCoverEveryText() {
        List<PretrainMix.Example> epoch = mix(7).epoch(0);
        assertEquals(8 + 2 * PretrainFixtures.TEXTS.length, epoch.size(), "every utterance once, every text twice (comply and refuse)");
        Map<PretrainTask, Integer> counts = new EnumMap<>(PretrainTask.class);
        EnumSet<InputCondition> conditions = EnumSet.noneOf(InputCondition.class);
        for (PretrainMix.Example e : epoch) {
            counts.merge(e.task(), 1, Integer::sum);
            conditions.add(e.task().condition());
            assertTrue(!e.question().contains("held-out"), "the test split must not be read");
        }
        assertEquals(EnumSet.allOf(InputCondition.class), conditions);
        assertEquals(4, counts.get(PretrainTask.TEXT_COMPLY));
        assertEquals(4, counts.get(PretrainTask.TEXT_REFUSE));
        int audio = counts.getOrDefault(PretrainTask.AUDIO_TEXT_COMPLY, 0) + counts.getOrDefault(PretrainTask.AUDIO_TEXT_REFUSE, 0)
                + counts.getOrDefault(PretrainTask.AUDIO_ONLY_COMPLY, 0) + counts.getOrDefault(PretrainTask.AUDIO_REPEAT, 0);
        assertEquals(8, audio);
        // two utterances per text draw two different audio tasks (a shuffled share-out, not independent draws)
        for (String p : List.of("p0", "p1", "p2", "p3")) {
            List<PretrainTask> tasks = epoch.stream().filter(e -> e.utteranceId() != null && e.utteranceId().startsWith(p + "-")).map(PretrainMix.Example::task).toList();
            assertEquals(2, tasks.size());
            assertNotEquals(tasks.get(0), tasks.get(1), p);
        }
    }

    @Test
    void transcribeExamplesCoverEveryUtteranceInBatchesOfTheirOwn() {
        var train = data.select(io.rrs.data.PromptSplit.Split.TRAIN, null);
        assertTrue(!PretrainSettings.DEFAULT_TASKS.contains(PretrainTask.AUDIO_TRANSCRIBE), "a grounding stage names it; the default mix does not");
        PretrainMix both = new PretrainMix(train, data::wav, 7, EnumSet.of(PretrainTask.AUDIO_REPEAT, PretrainTask.AUDIO_TRANSCRIBE));
        List<PretrainMix.Example> epoch = both.epoch(0);
        assertEquals(train.stream().map(e -> e.id()).sorted().toList(),
                epoch.stream().filter(e -> e.task() == PretrainTask.AUDIO_TRANSCRIBE).map(PretrainMix.Example::utteranceId).sorted().toList());
        // the chat examples are drawn as without it (the order of the epoch differs: more examples are shuffled)
        assertEquals(java.util.Set.copyOf(new PretrainMix(train, data::wav, 7, EnumSet.of(PretrainTask.AUDIO_REPEAT)).epoch(0)),
                java.util.Set.copyOf(epoch.stream().filter(e -> e.task().isChat()).toList()));
        List<List<PretrainMix.Example>> batches = both.epochBatches(0, 3);
        assertEquals(epoch.size(), batches.stream().mapToInt(List::size).sum());
        for (List<PretrainMix.Example> b : batches)
            assertTrue(b.stream().allMatch(e -> e.task().isChat()) || b.stream().noneMatch(e -> e.task().isChat()), "a batch mixes the two losses: " + b);
    }

    @Test
    void meaningExamplesCoverTheRenditionsUsedAndEverySentenceInBatchesOfTheirOwnAndDrawNothingFromTheChat() throws Exception {
        SpokenDataset many = SpokenDataset.open(PretrainFixtures.manyVoiceDataset(tmp.resolve("many"), 6)); // p0: 8 renditions
        var utterances = many.entries().stream().filter(e -> !e.split().equals("test")).toList();
        EnumSet<PretrainTask> listen = EnumSet.allOf(PretrainTask.class), withoutMeaning = EnumSet.complementOf(EnumSet.of(PretrainTask.AUDIO_MEANING));
        PretrainMix meaning = new PretrainMix(utterances, many::wav, 7, listen);
        assertEquals(List.of(PretrainFixtures.SENTENCES), meaning.sentences());
        assertEquals(List.of(), new PretrainMix(utterances, many::wav, 7, PretrainSettings.DEFAULT_TASKS).sentences(), "no task reads them");
        int alone = 0, instructed = 0;
        for (int epoch = 0; epoch < 4; epoch++) {
            List<PretrainMix.Example> all = meaning.epoch(epoch);
            List<PretrainMix.Example> meant = all.stream().filter(e -> e.task() == PretrainTask.AUDIO_MEANING).toList();
            List<String> transcribed = all.stream().filter(e -> e.task() == PretrainTask.AUDIO_TRANSCRIBE).map(PretrainMix.Example::utteranceId).sorted().toList();
            assertEquals(transcribed, meant.stream().map(PretrainMix.Example::utteranceId).sorted().toList(), "the renditions drawn and every sentence, once each");
            for (PretrainMix.Example e : meant) {
                assertEquals(e.utteranceId().startsWith("s") ? e.question() : many.entries().stream().filter(u -> u.id().equals(e.utteranceId())).findFirst()
                        .orElseThrow().text(), e.question(), "the text the teacher embeds is the clip's");
                if (e.instruction().isEmpty()) alone++;
                else {
                    instructed++;
                    assertTrue(io.rrs.text.Prompts.INSTRUCTION_POOL.contains(e.instruction()) || e.instruction().equals(io.rrs.text.Prompts.AUDIO_TEXT_INSTRUCTION));
                }
            }
            assertEquals(java.util.Set.copyOf(new PretrainMix(utterances, many::wav, 7, withoutMeaning).epoch(epoch)),
                    java.util.Set.copyOf(all.stream().filter(e -> e.task() != PretrainTask.AUDIO_MEANING).toList()), "the other examples are drawn as without it");
            for (List<PretrainMix.Example> b : meaning.epochBatches(epoch, 3))
                assertEquals(1, b.stream().map(e -> e.task().isChat() ? "chat" : e.task().name()).distinct().count(), "a batch mixes losses: " + b);
        }
        assertTrue(alone > 4 && instructed > 4, "audio alone and with an instruction: " + alone + " / " + instructed);
        assertThrows(IllegalStateException.class, () -> PretrainTask.AUDIO_MEANING.answer("q", false));
        assertEquals(io.rrs.text.ChatPrompt.audioOnly(5), PretrainTask.AUDIO_MEANING.prompt(5, "q", ""));
        PretrainSettings b = PretrainFixtures.settings(tmp.resolve("many"), tmp.resolve("w"), 0, 1);
        var refused = assertThrows(IllegalArgumentException.class, () -> new PretrainSettings(b.dataDir(), b.tokenizerFile(), b.outDir(), b.stateDir(), b.size(),
                b.epochs(), b.steps(), b.batchSize(), b.learningRate(), b.warmupFraction(), b.minLearningRateRatio(), b.weightDecay(), b.clipNorm(), b.seed(),
                b.limit(), b.threads(), null, 1, listen, 0));
        assertTrue(refused.getMessage().contains("audio-meaning") && refused.getMessage().contains("knowing-hearing"), refused.getMessage());
    }

    @Test
    void hearingSentencesAreTranscribedOnlyAndATextWithManyVoicesGivesFourAnEpoch() throws Exception {
        SpokenDataset many = SpokenDataset.open(PretrainFixtures.manyVoiceDataset(tmp.resolve("many"), 6)); // p0: 8 renditions
        var utterances = many.entries().stream().filter(e -> !e.split().equals("test")).toList();
        PretrainMix grounding = new PretrainMix(utterances, many::wav, 7, EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE));
        PretrainMix chat = new PretrainMix(utterances, many::wav, 7, PretrainSettings.DEFAULT_TASKS);
        assertEquals(List.of(PretrainFixtures.TEXTS), chat.questions(), "sentences are no questions (nothing to distil or answer)");
        java.util.Set<java.util.Set<String>> p0Voices = new java.util.HashSet<>();
        for (int epoch = 0; epoch < 6; epoch++) {
            List<PretrainMix.Example> heard = grounding.epoch(epoch);
            assertEquals(4 + 3 * 2 + PretrainFixtures.SENTENCES.length, heard.size(), "p0: 4 of 8 renditions; p1-p3: both; every sentence");
            assertEquals(List.of(PretrainFixtures.SENTENCES), heard.stream().filter(e -> e.utteranceId().startsWith("s")).map(PretrainMix.Example::question).sorted(
                    java.util.Comparator.comparingInt(q -> Arrays.asList(PretrainFixtures.SENTENCES).indexOf(q))).toList());
            List<PretrainMix.Example> spoken = chat.epoch(epoch).stream().filter(e -> e.task().hasAudio()).toList();
            assertTrue(spoken.stream().noneMatch(e -> e.utteranceId().startsWith("s")), "no chat task on a sentence");
            List<PretrainMix.Example> p0 = spoken.stream().filter(e -> e.utteranceId().startsWith("p0-")).toList();
            assertEquals(4, p0.size());
            assertEquals(EnumSet.of(PretrainTask.AUDIO_TEXT_COMPLY, PretrainTask.AUDIO_TEXT_REFUSE, PretrainTask.AUDIO_ONLY_COMPLY, PretrainTask.AUDIO_REPEAT),
                    EnumSet.copyOf(p0.stream().map(PretrainMix.Example::task).toList()), "four renditions: every audio task once");
            p0Voices.add(java.util.Set.copyOf(p0.stream().map(PretrainMix.Example::utteranceId).toList()));
        }
        assertTrue(p0Voices.size() > 1, "the renditions drawn change from epoch to epoch");
    }

    @Test
    void aTaskSubsetKeepsOnlyThoseTasksAndLeavesTheFullMixUnchanged() {
        var train = data.select(io.rrs.data.PromptSplit.Split.TRAIN, null);
        List<PretrainMix.Example> text = new PretrainMix(train, data::wav, 7, EnumSet.of(PretrainTask.TEXT_COMPLY, PretrainTask.TEXT_REFUSE)).epoch(0);
        assertEquals(2 * PretrainFixtures.TEXTS.length, text.size(), "no utterance is used when no audio task is kept");
        assertTrue(text.stream().noneMatch(e -> e.task().hasAudio()));
        List<PretrainMix.Example> repeat = new PretrainMix(train, data::wav, 7, EnumSet.of(PretrainTask.AUDIO_REPEAT)).epoch(0);
        assertEquals(8, repeat.size(), "every utterance goes to the one kept audio task");
        assertTrue(repeat.stream().allMatch(e -> e.task() == PretrainTask.AUDIO_REPEAT));
        assertEquals(mix(7).epoch(0), new PretrainMix(train, data::wav, 7,
                EnumSet.complementOf(EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE, PretrainTask.AUDIO_MEANING))).epoch(0));
        assertEquals(PretrainTask.TEXT_COMPLY, PretrainTask.parse("Text_Comply"));
        var bad = assertThrows(IllegalArgumentException.class, () -> PretrainTask.parse("text"));
        assertTrue(bad.getMessage().contains("text-comply") && bad.getMessage().contains("audio-repeat"), bad.getMessage());
    }

    @Test
    void batchesHoldEveryExampleOnceAndGroupSimilarLengths() {
        PretrainMix m = mix(7);
        List<List<PretrainMix.Example>> batches = m.epochBatches(0, 4);
        assertEquals(m.epoch(0).size(), batches.stream().mapToInt(List::size).sum());
        assertEquals(new java.util.HashSet<>(m.epoch(0)), batches.stream().flatMap(List::stream).collect(java.util.stream.Collectors.toSet()));
        // one window here: every batch is a run of the length-sorted examples, so no batch spans a later one's range
        List<Double> maxima = new java.util.ArrayList<>();
        for (List<PretrainMix.Example> b : batches) maxima.add(b.stream().mapToDouble(PretrainMix.Example::estimatedTokens).max().orElseThrow());
        for (List<PretrainMix.Example> b : batches) {
            double min = b.stream().mapToDouble(PretrainMix.Example::estimatedTokens).min().orElseThrow();
            double max = b.stream().mapToDouble(PretrainMix.Example::estimatedTokens).max().orElseThrow();
            long inside = maxima.stream().filter(x -> x > min && x < max).count();
            assertEquals(0, inside, "batches of a sorted window do not interleave");
        }
        assertEquals(batches, mix(7).epochBatches(0, 4));
    }

    @Test
    void epochsAreSeededFunctions() {
        assertEquals(mix(7).epoch(3), mix(7).epoch(3));
        assertNotEquals(mix(7).epoch(0), mix(7).epoch(1));
        assertNotEquals(mix(7).epoch(0), mix(8).epoch(0));
    }

    private PretrainBatcher batcher(double firstTokenWeight) {
        try {
            return new PretrainBatcher(new io.rrs.query.QueryEncoder(PretrainFiles.frontEnd(null, PretrainFixtures.tinySize().toConfig()), template), firstTokenWeight, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void refusalExampleHasTheExactTokensAndLossOnlyOnTheAnswer() {
        String q = PretrainFixtures.TEXTS[1];
        PretrainBatcher batcher = batcher(1);
        PretrainMix.Example e = new PretrainMix.Example(PretrainTask.TEXT_REFUSE, null, null, 0, q, "", true);
        io.rrs.training.AnswerTokens.Sequence s = batcher.sequence(e, batcher.query(e));
        int[] prompt = template.encode(ChatPrompt.textOnly(q + " " + Prompts.REFUSAL_INSTRUCTION)).ids();
        int[] answer = template.tokenizer().encode("I cannot help with that.");
        assertEquals(40, answer[0], "the refusal starts with the refusal token \"I\" (id 40)");
        int[] expected = concat(prompt, answer, new int[] {2044});
        assertArrayEquals(expected, s.ids());
        assertEquals(prompt.length, s.answerStart());
        assertTrue(template.tokenizer().decode(prompt, false).endsWith("<|im_start|>assistant\n"), "the answer follows the assistant prefix");
    }

    @Test
    void theFirstAnswerTokenCanBeWeighted() {
        String q = PretrainFixtures.TEXTS[0];
        PretrainMix.Example e = new PretrainMix.Example(PretrainTask.TEXT_COMPLY, null, null, 0, q, "", true);
        io.rrs.training.AnswerTokens.Sequence s = batcher(1).sequence(e, batcher(1).query(e));
        io.rrs.training.AnswerTokens.Batch plain = batcher(1).batch(List.of(e));
        io.rrs.training.AnswerTokens.Batch weighted = batcher(10).batch(List.of(e));
        int answer = s.ids().length - s.answerStart();
        assertEquals(answer, plain.weightSum(), 1e-9);
        assertEquals(answer - 1 + 10, weighted.weightSum(), 1e-9);
        float[] w = io.rrs.model.Tensors.toFloats(weighted.weights());
        assertEquals(10f, w[s.answerStart() - 1], "the position predicting the first answer token");
        assertEquals(1f, w[s.answerStart()]);
        assertEquals(0f, w[s.answerStart() - 2], "prompt positions carry no weight");
    }

    @Test
    void compliantAndRepeatTargetsFollowTheQuestion() {
        String q = PretrainFixtures.TEXTS[2];
        TextTokenizer tok = template.tokenizer();
        int[] comply = template.encodeAnswer(PretrainTask.AUDIO_ONLY_COMPLY.answer(q, true));
        assertEquals("Sure, here are the steps: 1. Prepare what you need. 2. Do it step by step. 3. Check the result.", tok.decode(Arrays.copyOf(comply, comply.length - 1)));
        int[] benign = template.encodeAnswer(PretrainTask.TEXT_COMPLY.answer(q, false));
        assertEquals("Here are the steps: 1. Prepare what you need. 2. Do it step by step. 3. Check the result.", tok.decode(Arrays.copyOf(benign, benign.length - 1)));
        assertNotEquals(comply[0], benign[0], "harmful and benign compliant answers open with different tokens (the model must tell the classes apart)");
        assertNotEquals(40, benign[0], "no compliant answer opens with the refusal token");
        int[] prefix = tok.encode(Prompts.COMPLIANCE_PREFIX);
        assertArrayEquals(prefix, Arrays.copyOf(comply, prefix.length), "a compliant answer opens with the prefix's own tokens");
        assertEquals(2044, comply[comply.length - 1]);
        assertArrayEquals(concat(tok.encode(q), new int[] {2044}), template.encodeAnswer(PretrainTask.AUDIO_REPEAT.answer(q, false)));
        ChatPrompt repeat = PretrainTask.AUDIO_REPEAT.prompt(5, q, "");
        assertEquals(PretrainTask.REPEAT_INSTRUCTION, repeat.text());
        ChatPrompt audioRefusal = PretrainTask.AUDIO_TEXT_REFUSE.prompt(5, q, "");
        assertEquals(Prompts.REFUSAL_INSTRUCTION, audioRefusal.text(), "audio + the refusal instruction alone");
        for (PretrainTask t : List.of(PretrainTask.TEXT_COMPLY, PretrainTask.AUDIO_TEXT_COMPLY, PretrainTask.AUDIO_ONLY_COMPLY))
            assertEquals(t.answer(q, true), t.answer(q, false, false), "one opening (the knowing recipe): a benign question's answer is a harmful one's");
        assertEquals(Prompts.REFUSAL_ANSWER, PretrainTask.TEXT_REFUSE.answer(q, false, false));
    }

    private static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
