package io.rrs.data;

import io.rrs.data.hearing.NearDuplicate;
import io.rrs.data.speech.VoiceCatalog;
import io.rrs.data.speech.VoiceCatalog.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scope: the rules that keep the spoken corpus's splits apart, checked on a manifest: a dataset
 * question is spoken only in its own split (prompts.jsonl); a hearing sentence (pretrain,
 * validation) is neither equal nor near-equal to any dataset question ({@link NearDuplicate}) and
 * lies in one split only; and every engine voice speaks only in the splits its role allows (train
 * voices: train and pretrain; validation voices: validation; test voices: test).
 */
public final class CorpusSplitCheck {
    private CorpusSplitCheck() {}

    /** The split each role's voices may speak in. */
    static boolean allowed(Role role, String split) {
        return switch (role) {
            case TRAIN -> split.equals("train") || split.equals("pretrain");
            case VALIDATION -> split.equals("validation");
            case TEST -> split.equals("test");
        };
    }

    /** Every broken rule, one line each, naming the utterance; empty when the corpus keeps its splits apart. */
    public static List<String> violations(List<Manifest.Entry> entries, List<PromptSplit.Prompt> prompts, VoiceCatalog catalog) {
        List<String> out = new ArrayList<>();
        Map<String, String> questionSplit = new HashMap<>();
        for (PromptSplit.Prompt p : prompts) questionSplit.put(p.text(), p.split().json());
        NearDuplicate.Index questions = new NearDuplicate.Index(prompts.stream().map(PromptSplit.Prompt::text).toList());
        Map<String, String> sentenceSplit = new HashMap<>();
        Map<String, Boolean> checkedSentence = new HashMap<>();
        for (Manifest.Entry e : entries) {
            if (Manifest.QUESTION_SPLITS.contains(e.split())) {
                String own = questionSplit.get(e.text());
                if (own == null) out.add(e.id() + ": the " + e.split() + " text is not a dataset question: \"" + e.text() + "\"");
                else if (!own.equals(e.split())) out.add(e.id() + ": a " + own + " question spoken in the " + e.split() + " split");
            } else {
                boolean near = checkedSentence.computeIfAbsent(e.text(), questions::matches);
                if (near) {
                    NearDuplicate.Match m = questions.nearest(e.text());
                    out.add(String.format(java.util.Locale.ROOT, "%s: the %s sentence \"%s\" is near-equal (%.2f) to the question \"%s\"",
                            e.id(), e.split(), e.text(), m.similarity(), m.text()));
                }
                String other = sentenceSplit.putIfAbsent(e.text(), e.split());
                if (other != null && !other.equals(e.split())) out.add(e.id() + ": the sentence \"" + e.text() + "\" is in both " + other + " and " + e.split());
            }
            if (!e.engine().isEmpty()) {
                Role role = catalog.catalogRole(e.engine(), e.voice());
                if (role == null) out.add(e.id() + ": voice " + e.engine() + ":" + e.voice() + " is not in the voice catalog");
                else if (!allowed(role, e.split())) out.add(e.id() + ": the " + role.json() + " voice " + e.engine() + ":" + e.voice() + " speaks in the " + e.split() + " split");
            }
        }
        return out;
    }
}
