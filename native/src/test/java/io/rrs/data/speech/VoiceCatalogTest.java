package io.rrs.data.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.data.speech.VoiceCatalog.Rendition;
import io.rrs.data.speech.VoiceCatalog.Role;
import io.rrs.data.speech.VoiceCatalog.Voice;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The split of voices between training, validation and test, as issue 16 item 1 asks. */
class VoiceCatalogTest {
    final VoiceCatalog catalog = VoiceCatalog.debian();

    static Set<String> keys(List<Voice> voices) {
        Set<String> out = new HashSet<>();
        for (Voice v : voices) out.add(v.engine() + ":" + v.voice());
        return out;
    }

    @Test
    void testEnginesAndSpeakerSharingVoicesNeverTrain() {
        Set<String> train = keys(catalog.voices(Role.TRAIN));
        Set<String> test = keys(catalog.voices(Role.TEST));
        Set<String> validation = keys(catalog.voices(Role.VALIDATION));
        assertEquals(Set.of("rhvoice:alan", "rhvoice:bdl", "rhvoice:clb", "rhvoice:slt", "pico:en-US", "pico:en-GB"), test);
        assertEquals(Set.of("flite:awb", "flite:rms", "flite:slt", "festival:cmu_us_slt_arctic_hts"), validation);
        for (String v : train) {
            assertFalse(v.startsWith("rhvoice:") || v.startsWith("pico:"), v + " is a test engine's voice");
            assertFalse(validation.contains(v) || test.contains(v), v);
        }
        for (Rendition r : catalog.renditions(Role.TRAIN, List.of())) {
            assertTrue(train.contains(r.engine() + ":" + r.voice()), r.label() + " is not a training voice");
        }
        for (String engine : catalog.engineNames()) {
            for (Rendition r : catalog.renditions(Role.TRAIN, List.of(engine))) assertFalse(test.contains(r.engine() + ":" + r.voice()), r.label());
        }
    }

    @Test
    void trainingHearsAtLeastEightVoicesOfFourEnginesAtVariedRateAndPitch() {
        List<Voice> train = catalog.voices(Role.TRAIN);
        assertTrue(train.size() >= 8, "training voices: " + train);
        assertEquals(Set.of("espeak-ng", "mbrola", "festival", "flite"), new HashSet<>(train.stream().map(Voice::engine).toList()));
        assertTrue(keys(train).containsAll(Set.of("mbrola:mb-us1", "mbrola:mb-en1", "festival:kal_diphone", "festival:ked_diphone",
                "flite:kal16", "espeak-ng:en-us+klatt2")));
        List<Rendition> renditions = catalog.renditions(Role.TRAIN, List.of());
        assertEquals(3 * train.size(), renditions.size());
        assertEquals(Set.of(85, 100, 120), new HashSet<>(renditions.stream().map(Rendition::rate).toList()));
        assertEquals(Set.of(90, 100, 112), new HashSet<>(renditions.stream().filter(r -> r.engine().equals("mbrola")).map(Rendition::pitch).toList()));
        assertEquals(Set.of(100), new HashSet<>(renditions.stream().filter(r -> r.engine().equals("flite")).map(Rendition::pitch).toList()),
                "flite does not vary pitch");
        assertEquals(renditions.size(), new HashSet<>(renditions.stream().map(Rendition::slug).toList()).size(), "slugs name files: unique");
        for (Rendition r : catalog.renditions(Role.TEST, List.of())) assertEquals(List.of(100, 100), List.of(r.rate(), r.pitch()), r.label());
    }

    @Test
    void selectingEnginesKeepsOnlyTheirVoicesAndRejectsUnknownNames() {
        List<Rendition> pico = catalog.renditions(Role.TEST, List.of("pico"));
        assertEquals(List.of("pico:en-US@100/100", "pico:en-GB@100/100"), pico.stream().map(Rendition::label).toList());
        assertTrue(catalog.renditions(Role.TEST, List.of("flite")).isEmpty());
        var e = assertThrows(IllegalArgumentException.class, () -> catalog.renditions(Role.TRAIN, List.of("espeak")));
        assertTrue(e.getMessage().contains("no speech engine 'espeak'; known: [espeak-ng, mbrola, flite, festival, rhvoice, pico]"), e.getMessage());
    }
}
