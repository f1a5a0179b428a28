package io.rrs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.data.speech.VoiceCatalog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The split rules on hand-made manifests: a clean one passes, each kind of leak is named. */
class CorpusSplitCheckTest {
    static final VoiceCatalog CATALOG = VoiceCatalog.debian();

    static List<PromptSplit.Prompt> prompts() throws Exception {
        return PromptSplit.split(SourceDataset.read(TestData.repoDataDir()), PromptSplit.Settings.defaults());
    }

    static Manifest.Entry question(PromptSplit.Prompt p, String split, String engine, String voice) {
        return new Manifest.Entry(p.id() + "-" + engine + voice, p.id(), p.text(), p.label().json(), p.category(), split, voice, 100,
                "wav/" + split + "/x.wav", 1, engine, 100);
    }

    static Manifest.Entry sentence(String id, String text, String split, String engine, String voice) {
        return new Manifest.Entry(id + "-" + engine + voice, id, text, Manifest.NO_LABEL, "fortunes", split, voice, 100, "wav/" + split + "/x.wav", 1, engine, 100);
    }

    @Test
    void cleanCorpusPassesAndEveryLeakIsNamed() throws Exception {
        List<PromptSplit.Prompt> prompts = prompts();
        PromptSplit.Prompt train = prompts.stream().filter(p -> p.split() == PromptSplit.Split.TRAIN).findFirst().orElseThrow();
        PromptSplit.Prompt test = prompts.stream().filter(p -> p.split() == PromptSplit.Split.TEST).findFirst().orElseThrow();
        List<Manifest.Entry> clean = new ArrayList<>(List.of(question(train, "train", "espeak-ng", "en-us"), question(test, "test", "pico", "en-US"),
                sentence("s00000", "The cat sat on the mat all day.", "pretrain", "mbrola", "mb-us1"),
                sentence("s00001", "Rain fell softly on the old roof.", "validation", "flite", "slt")));
        assertEquals(List.of(), CorpusSplitCheck.violations(clean, prompts, CATALOG));

        String nearQuestion = test.text().replace("?", "").toLowerCase() + " please?";
        List<Manifest.Entry> leaks = List.of(
                question(test, "train", "espeak-ng", "en-us"),
                question(train, "train", "rhvoice", "slt"),
                question(test, "test", "espeak-ng", "en-gb"),
                sentence("s00002", nearQuestion, "pretrain", "espeak-ng", "en-us"),
                sentence("s00003", "The cat sat on the mat all day.", "validation", "flite", "awb"),
                sentence("s00004", "Winds blew over the quiet hills.", "pretrain", "flite", "awb"),
                sentence("s00005", "Winds blew over the quiet hills again.", "validation", "espeak-ng", "en-us"));
        List<Manifest.Entry> all = new ArrayList<>(clean);
        all.addAll(leaks);
        List<String> v = CorpusSplitCheck.violations(all, prompts, CATALOG);
        assertEquals(7, v.size(), String.join("\n", v));
        assertTrue(v.get(0).contains("a test question spoken in the train split"), v.get(0));
        assertTrue(v.get(1).contains("the test voice rhvoice:slt speaks in the train split"), v.get(1));
        assertTrue(v.get(2).contains("the train voice espeak-ng:en-gb speaks in the test split"), v.get(2));
        assertTrue(v.get(3).contains("is near-equal") && v.get(3).contains(test.text()), v.get(3));
        assertTrue(v.get(4).contains("is in both pretrain and validation"), v.get(4));
        assertTrue(v.get(5).contains("the validation voice flite:awb speaks in the pretrain split"), v.get(5));
        assertTrue(v.get(6).contains("the train voice espeak-ng:en-us speaks in the validation split"), v.get(6));
    }
}
