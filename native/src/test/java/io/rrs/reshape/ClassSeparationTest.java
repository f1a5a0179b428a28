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
        ClassSeparation s = ClassSeparation.of(new float[][] {{1, 0}, {3, 0}}, questions("h", 2, 1), new float[][] {{-1, 0}, {-1, 2}}, questions("b", 2, 1), 1);
        assertEquals(Math.sqrt(10), s.meanDistance(), 1e-12);
        assertEquals(Math.sqrt((1 + 1 + 1 + 1) / 4.0), s.spread(), 1e-12);
        assertEquals(1.0, s.separated(), 1e-12);
    }

    @Test
    void heldOutQuestionsAreJudgedByTheOtherFoldsMeans() {
        // Two questions a class, so two folds of one harmful and one benign question each. Harmful at (2, 0) and (4, 0),
        // benign at (-2, 0) and (-4, 0): whichever pair judges, its midpoint lies between -1 and 1 on the first axis and
        // its difference points along +x, so every held-out row is on its side.
        ClassSeparation s = ClassSeparation.of(new float[][] {{2, 0}, {4, 0}}, questions("h", 2, 1), new float[][] {{-2, 0}, {-4, 0}},
                questions("b", 2, 1), 7);
        assertEquals(1.0, s.heldOut(), 1e-12);
        // Harmful (1, 0) and (-1, 0), benign (0, 1) and (0, -1): the class means coincide at the origin, so in-sample no
        // row is strictly on its side; held out, each fold is judged by one harmful and one benign point. Each held-out
        // pair is the mirror image of its judges, so each of its rows is on the wrong side: 0 whatever the deal.
        ClassSeparation mirror = ClassSeparation.of(new float[][] {{1, 0}, {-1, 0}}, questions("h", 2, 1), new float[][] {{0, 1}, {0, -1}},
                questions("b", 2, 1), 7);
        assertEquals(0.0, mirror.separated(), 1e-12);
        assertEquals(0.0, mirror.heldOut(), 1e-12);
    }

    @Test
    void otherRowsAreJudgedByTheTrainingRowsMeans() {
        // training means (3, 0) and (-3, 0): midpoint 0, direction +x. Harmful (1, 5) is on its side, (-1, 0) is not;
        // benign (-0.5, 3) is: (1/2 + 1/1) / 2.
        double judged = ClassSeparation.judgedBy(new float[][] {{2, 0}, {4, 0}}, new float[][] {{-2, 0}, {-4, 0}},
                new float[][] {{1, 5}, {-1, 0}}, new float[][] {{-0.5f, 3}});
        assertEquals(0.75, judged, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ClassSeparation.judgedBy(new float[][] {{1, 0}}, new float[][] {{-1, 0}},
                new float[][] {{1, 0, 0}}, new float[][] {{-1, 0, 0}}));
    }

    @Test
    void inSampleTheRuleFlattersWideNoiseHeldOutItScoresChance() {
        Random r = new Random(5);
        // 351 rows of 192-dimensional noise
        assertSeparatedOnlyInSample(gaussian(r, 176, 192, 0), questions("h", 176, 1), gaussian(r, 175, 192, 0), questions("b", 175, 1), 0.7, 0.08);
    }

    @Test
    void renditionsOfAQuestionAreHeldOutTogether() {
        // 40 questions a class, each spoken 5 times: the renditions sit close to their question's own random point and
        // nothing tells the classes apart. Judged by the other renditions of the same question, rows would look separated.
        Random r = new Random(9);
        assertSeparatedOnlyInSample(renditions(r, 40, 5, 64), questions("h", 40, 5), renditions(r, 40, 5, 64), questions("b", 40, 5), 0.75, 0.12);
    }

    private static void assertSeparatedOnlyInSample(float[][] h, String[] hq, float[][] b, String[] bq, double inSampleAbove, double chanceWithin) {
        ClassSeparation s = ClassSeparation.of(h, hq, b, bq, 1);
        assertTrue(s.separated() > inSampleAbove, "in-sample the rule finds a side: " + s.separated());
        assertTrue(Math.abs(s.heldOut() - 0.5) < chanceWithin, "held out by question it does not: " + s.heldOut());
        assertTrue(s.weak());
    }

    @Test
    void tooFewQuestionsGiveNoHeldOutMeasureAndAnOldFileReadsWithout() {
        ClassSeparation one = ClassSeparation.of(new float[][] {{1}, {2}}, new String[] {"q", "q"}, new float[][] {{-1}}, new String[] {"p"}, 1);
        assertTrue(Double.isNaN(one.heldOut()));
        assertTrue(json(one).path("held_out").isNull());
        assertEquals(one, ClassSeparation.fromJson(json(one)));
        assertFalse(one.weak(), "without a held-out measure the in-sample one decides");
        var old = json(one);
        old.remove("held_out");
        assertTrue(Double.isNaN(ClassSeparation.fromJson(old).heldOut()));
        assertThrows(IllegalArgumentException.class, () -> ClassSeparation.of(new float[][] {{1}}, new String[0], new float[][] {{-1}}, new String[] {"p"}, 1));
    }

    @Test
    void identicalClassesAreNotSeparatedAndFarApartOnesAre() {
        Random r = new Random(3);
        float[][] a = gaussian(r, 400, 16, 0), b = gaussian(r, 400, 16, 0);
        ClassSeparation same = ClassSeparation.of(a, questions("h", 400, 1), b, questions("b", 400, 1), 1);
        assertTrue(Math.abs(same.separated() - 0.5) < 0.1, "same distribution: about chance, got " + same.separated());
        assertTrue(same.weak());
        ClassSeparation apart = ClassSeparation.of(gaussian(r, 400, 16, 3), questions("h", 400, 1), gaussian(r, 400, 16, -3), questions("b", 400, 1), 1);
        assertTrue(apart.separated() > 0.99, "means 24 apart against spread 4: " + apart.separated());
        assertTrue(apart.heldOut() > 0.99, "held out too: " + apart.heldOut());
        assertFalse(apart.weak());
        assertEquals(ClassSeparation.fromJson(json(apart)), apart);
    }

    @Test
    void missingRowsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassSeparation.of(new float[0][], new String[0], new float[][] {{1}}, new String[] {"p"}, 1));
        assertThrows(IllegalArgumentException.class, () -> ClassSeparation.fromJson(com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode json(ClassSeparation s) {
        var o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        s.writeTo(o);
        return o;
    }

    /** {@code n} question names, each repeated {@code times} in a row. */
    private static String[] questions(String prefix, int n, int times) {
        String[] q = new String[n * times];
        for (int i = 0; i < q.length; i++) q[i] = prefix + (i / times);
        return q;
    }

    /** {@code n} random points, each given {@code times} times with a little noise. */
    private static float[][] renditions(Random r, int n, int times, int d) {
        float[][] x = new float[n * times][d];
        for (int q = 0; q < n; q++) {
            float[] centre = gaussian(r, 1, d, 0)[0];
            for (int t = 0; t < times; t++)
                for (int j = 0; j < d; j++) x[q * times + t][j] = centre[j] + (float) (0.3 * r.nextGaussian());
        }
        return x;
    }

    private static float[][] gaussian(Random r, int n, int d, double offset) {
        float[][] x = new float[n][d];
        for (float[] row : x)
            for (int j = 0; j < d; j++) row[j] = (float) (r.nextGaussian() + offset);
        return x;
    }
}
