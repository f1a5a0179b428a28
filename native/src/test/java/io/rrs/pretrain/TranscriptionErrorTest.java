package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The token error's edit distance, against hand-counted cases. */
class TranscriptionErrorTest {
    @Test
    void editDistanceCountsSubstitutionsInsertionsAndDeletions() {
        assertEquals(0, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {1, 2, 3}));
        assertEquals(3, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {}));
        assertEquals(2, TranscriptionError.editDistance(new int[] {}, new int[] {4, 5}));
        assertEquals(1, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {1, 9, 3}), "one substitution");
        assertEquals(1, TranscriptionError.editDistance(new int[] {1, 2, 3}, new int[] {1, 3}), "one deletion");
        assertEquals(1, TranscriptionError.editDistance(new int[] {1, 3}, new int[] {1, 2, 3}), "one insertion");
        assertEquals(3, TranscriptionError.editDistance(new int[] {7, 1, 2, 3, 4}, new int[] {1, 2, 5, 3}), "kitten/sitting-like: delete, insert, substitute");
        assertEquals(2, TranscriptionError.editDistance(new int[] {1, 2}, new int[] {2, 1}));
    }
}
