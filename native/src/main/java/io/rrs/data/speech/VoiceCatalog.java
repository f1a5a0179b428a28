package io.rrs.data.speech;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scope: which synthesiser voice serves which purpose in the spoken corpus, and the rates and
 * pitches each is spoken at. Training hears the formant and diphone voices (espeak-ng variants,
 * MBROLA, festival's kal/ked, flite kal16) at varied rate and pitch; test hears only engines with
 * their own text front ends that training never hears (RHVoice, Pico), so the test measures
 * hearing unheard voices. flite awb/rms/slt and festival's slt HTS voice are recordings of the
 * CMU ARCTIC speakers that RHVoice also voices (slt, and the ARCTIC set generally), so they never
 * enter training: they are validation voices at most.
 */
public final class VoiceCatalog {

    /** What a voice may be used for. */
    public enum Role {
        TRAIN, VALIDATION, TEST;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One voice of one engine, with its role and why it has it. */
    public record Voice(String engine, String voice, Role role, String why) {}

    /** One voice at one rate and pitch (percent of its own). */
    public record Rendition(String engine, String voice, int rate, int pitch) {
        /** File-name form, e.g. "mbrola_mb-us1-r85-p90". */
        public String slug() {
            return (engine + "_" + voice).replace('+', '_').replace('/', '_') + "-r" + rate + "-p" + pitch;
        }

        /** Human form, e.g. "mbrola:mb-us1@85/90". */
        public String label() {
            return engine + ":" + voice + "@" + rate + "/" + pitch;
        }
    }

    /** Training variation: normal, slower and lower, faster and higher (pitch only where the engine varies it). */
    static final int[][] TRAIN_VARIATION = {{100, 100}, {85, 90}, {120, 112}};
    static final int[][] HELD_OUT_VARIATION = {{100, 100}};

    private final Map<String, SpeechEngine> engines;
    private final List<Voice> voices;

    public VoiceCatalog(List<SpeechEngine> engines) {
        Map<String, SpeechEngine> byName = new LinkedHashMap<>();
        for (SpeechEngine e : engines) {
            if (byName.put(e.name(), e) != null) throw new IllegalArgumentException("engine " + e.name() + " named twice");
        }
        this.engines = byName;
        List<Voice> all = new ArrayList<>();
        for (SpeechEngine e : engines) for (String v : e.voices()) all.add(new Voice(e.name(), v, roleOf(e.name(), v), whyOf(e.name(), v)));
        this.voices = List.copyOf(all);
    }

    /** Every engine, with the Debian programs at their usual names. */
    public static VoiceCatalog debian() {
        return new VoiceCatalog(List.of(EspeakEngine.espeak("espeak-ng"), EspeakEngine.mbrola("espeak-ng"), new FliteEngine("flite"),
                new FestivalEngine("text2wave"), RhvoiceEngine.debian("RHVoice-test"), new PicoEngine("pico2wave")));
    }

    /** Engines whose voices share speakers with the held-out RHVoice, by engine and voice. */
    static final Set<String> SHARES_SPEAKER_WITH_TEST = Set.of("flite:awb", "flite:rms", "flite:slt", "festival:cmu_us_slt_arctic_hts");

    /**
     * Engines whose voices' licence forbids redistributing their audio: MBROLA's voice databases may be used only with
     * the MBROLA program and not in anything sold (data/README.md), so their clips are never committed or bundled.
     */
    static final Set<String> NOT_REDISTRIBUTABLE = Set.of("mbrola");

    /** Whether audio made by {@code engine} may be committed to the repository or bundled (an empty engine is espeak-ng's first builds). */
    public static boolean redistributable(String engine) {
        return !NOT_REDISTRIBUTABLE.contains(engine);
    }

    static Role roleOf(String engine, String voice) {
        if (engine.equals("rhvoice") || engine.equals("pico")) return Role.TEST;
        if (SHARES_SPEAKER_WITH_TEST.contains(engine + ":" + voice)) return Role.VALIDATION;
        return Role.TRAIN;
    }

    private static String whyOf(String engine, String voice) {
        return switch (roleOf(engine, voice)) {
            case TEST -> "HMM engine with its own text front end, never heard in training";
            case VALIDATION -> "a CMU ARCTIC speaker that RHVoice (test) also voices";
            case TRAIN -> "formant or diphone voice";
        };
    }

    public List<Voice> voices() {
        return voices;
    }

    public List<Voice> voices(Role role) {
        return voices.stream().filter(v -> v.role() == role).toList();
    }

    public SpeechEngine engine(String name) {
        SpeechEngine e = engines.get(name);
        if (e == null) throw new IllegalArgumentException("no speech engine '" + name + "'; known: " + engines.keySet());
        return e;
    }

    public Set<String> engineNames() {
        return engines.keySet();
    }

    /** The role of {@code engine}'s {@code voice}, or null when the catalog does not hold it. */
    public Role catalogRole(String engineName, String voice) {
        for (Voice v : voices) if (v.engine().equals(engineName) && v.voice().equals(voice)) return v.role();
        return null;
    }

    /**
     * {@code count} renditions for the {@code index}-th text of a list: consecutive entries (cyclically)
     * of a seeded permutation of {@link #renditions}, so every rendition speaks equally many texts and
     * the same index, seed and engines always give the same ones.
     */
    public List<Rendition> renditionsForText(Role role, List<String> engineNames, int index, int count, long seed) {
        List<Rendition> all = new ArrayList<>(renditions(role, engineNames));
        if (all.isEmpty() || count <= 0) return List.of();
        java.util.Collections.shuffle(all, new java.util.Random(seed));
        List<Rendition> out = new ArrayList<>();
        for (int j = 0; j < Math.min(count, all.size()); j++) out.add(all.get((int) (((long) index * count + j) % all.size())));
        return out;
    }

    /**
     * The renditions of {@code role}'s voices among {@code engineNames} (all engines when empty):
     * training voices at three rate/pitch settings, held-out voices at their own.
     */
    public List<Rendition> renditions(Role role, List<String> engineNames) {
        for (String n : engineNames) engine(n);
        List<Rendition> out = new ArrayList<>();
        for (Voice v : voices(role)) {
            if (!engineNames.isEmpty() && !engineNames.contains(v.engine())) continue;
            boolean pitch = engine(v.engine()).variesPitch();
            for (int[] rp : role == Role.TRAIN ? TRAIN_VARIATION : HELD_OUT_VARIATION) {
                out.add(new Rendition(v.engine(), v.voice(), rp[0], pitch ? rp[1] : 100));
            }
        }
        return out;
    }
}
