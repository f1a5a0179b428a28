package io.rrs.data;

import io.rrs.data.PromptSplit.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Scope: which espeak-ng voices and speaking rates each split is spoken in. Every train text is
 * synthesised in every train voice x rate, every test text in every test voice x rate; the test
 * combinations must be absent from training, so the test measures generalisation to unheard
 * speakers/speeds. The defaults hold out both a voice and a rate: 4 voices, 3 rates in all.
 */
public record VoicePlan(List<String> trainVoices, List<Integer> trainRates, List<String> testVoices, List<Integer> testRates) {

    /** espeak-ng's accepted speaking rates, in words per minute. */
    public static final int MIN_RATE = 80;
    public static final int MAX_RATE = 450;
    private static final Pattern VOICE = Pattern.compile("[A-Za-z0-9_.+-]+");

    /** One voice at one rate. */
    public record Combo(String voice, int rate) {
        /** File-name form, e.g. "en-us_f3-145" for voice en-us+f3 at 145 wpm. */
        public String slug() {
            return voice.replace('+', '_') + "-" + rate;
        }
    }

    public VoicePlan {
        trainVoices = checkVoices("train voices", trainVoices);
        testVoices = checkVoices("test voices", testVoices);
        trainRates = checkRates("train rates", trainRates);
        testRates = checkRates("test rates", testRates);
        List<String> overlap = new ArrayList<>();
        for (String v : testVoices) for (int r : testRates) if (trainVoices.contains(v) && trainRates.contains(r)) overlap.add(v + "@" + r);
        if (!overlap.isEmpty()) {
            throw new IllegalArgumentException("test voice/rate combinations " + overlap + " also occur in training; "
                    + "hold out a voice (--test-voices) or a rate (--test-rates) so test audio is unheard");
        }
    }

    /** Train en-us, en-gb at 145 and 175 wpm; test en-us+f3 (female variant), en-gb-scotland at 160 wpm. */
    public static VoicePlan defaults() {
        return new VoicePlan(List.of("en-us", "en-gb"), List.of(145, 175), List.of("en-us+f3", "en-gb-scotland"), List.of(160));
    }

    private static List<String> checkVoices(String what, List<String> voices) {
        if (voices == null || voices.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
        for (String v : voices) {
            if (v == null || !VOICE.matcher(v).matches()) {
                throw new IllegalArgumentException(what + ": \"" + v + "\" is not an espeak-ng voice name (see 'espeak-ng --voices')");
            }
        }
        if (voices.stream().distinct().count() != voices.size()) throw new IllegalArgumentException(what + " repeat: " + voices);
        return List.copyOf(voices);
    }

    private static List<Integer> checkRates(String what, List<Integer> rates) {
        if (rates == null || rates.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
        for (Integer r : rates) {
            if (r == null || r < MIN_RATE || r > MAX_RATE) {
                throw new IllegalArgumentException(what + ": " + r + " wpm is outside espeak-ng's " + MIN_RATE + ".." + MAX_RATE);
            }
        }
        if (rates.stream().distinct().count() != rates.size()) throw new IllegalArgumentException(what + " repeat: " + rates);
        return List.copyOf(rates);
    }

    /** The combinations a split is spoken in, voices outer, rates inner. */
    public List<Combo> combos(Split split) {
        List<String> voices = split == Split.TRAIN ? trainVoices : testVoices;
        List<Integer> rates = split == Split.TRAIN ? trainRates : testRates;
        List<Combo> out = new ArrayList<>();
        for (String v : voices) for (int r : rates) out.add(new Combo(v, r));
        return out;
    }
}
