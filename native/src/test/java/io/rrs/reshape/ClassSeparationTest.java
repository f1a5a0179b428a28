package io.rrs.reshape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassSeparationTest {
    @Test
    void aHandWorkedExample() {
        // harmful at (1, 0) and (3, 0), benign at (-1, 0) and (-1, 2): means (2, 0) and (-1, 1)
        ClassSeparation s = ClassSeparation.of(new float[][] {{1, 0}, {3, 0}}, new float[][] {{-1, 0}, {-1, 2}});
        assertEquals(Math.sqrt(10), s.meanDistance(), 1e-12);
        assertEquals(Math.sqrt((1 + 1 + 1 + 1) / 4.0), s.spread(), 1e-12);
        assertEquals(1.0, s.separated(), 1e-12);
        assertFalse(s.weak());
    }

    @Test
    void identicalClassesAreNotSeparatedAndFarApartOnesAre() {
        Random r = new Random(3);
        float[][] a = gaussian(r, 400, 16, 0), b = gaussian(r, 400, 16, 0);
        ClassSeparation same = ClassSeparation.of(a, b);
        assertTrue(Math.abs(same.separated() - 0.5) < 0.1, "same distribution: about chance, got " + same.separated());
        assertTrue(same.weak());
        ClassSeparation apart = ClassSeparation.of(gaussian(r, 400, 16, 3), gaussian(r, 400, 16, -3));
        assertTrue(apart.separated() > 0.99, "means 24 apart against spread 4: " + apart.separated());
        assertEquals(ClassSeparation.fromJson(json(apart)), apart);
    }

    @Test
    void missingRowsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassSeparation.of(new float[0][], new float[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> ClassSeparation.fromJson(com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode json(ClassSeparation s) {
        var o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        s.writeTo(o);
        return o;
    }

    private static float[][] gaussian(Random r, int n, int d, double offset) {
        float[][] x = new float[n][d];
        for (float[] row : x)
            for (int j = 0; j < d; j++) row[j] = (float) (r.nextGaussian() + offset);
        return x;
    }
}
