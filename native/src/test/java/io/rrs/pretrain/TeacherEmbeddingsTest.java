package io.rrs.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rrs.model.PythonRunner;
import io.rrs.model.Tensors;
import io.rrs.teacher.WordEmbeddings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TeacherEmbeddings} on a random 300 x 12 "teacher" with unequal variances per direction: the projection onto
 * 5 principal components equals an independent numpy computation (float64 eigh) within 1e-4; its columns are
 * uncorrelated with descending variances; unit RMS; the rows past the teacher's are seeded, distinct, and not the
 * teacher's; all 12 kept when the width is the teacher's.
 */
class TeacherEmbeddingsTest {
    private static final int ROWS = 300, DIM = 12, HIDDEN = 5, VOCAB = 303;

    @TempDir
    Path tmp;

    private static WordEmbeddings teacher() {
        Random rnd = new Random(7);
        float[] m = new float[ROWS * DIM];
        for (int r = 0; r < ROWS; r++)
            for (int d = 0; d < DIM; d++) m[r * DIM + d] = (float) (0.3 + (d + 1) * 0.05 * rnd.nextGaussian() + (d == 0 ? 0.1 * m[r * DIM + 3] : 0));
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) vocab.add("w" + i);
        return new WordEmbeddings(vocab, m, DIM);
    }

    @Test
    void projectsOntoThePrincipalComponentsAsNumpyDoes() throws Exception {
        assumeTrue(PythonRunner.canImport("numpy"), "numpy is not importable by " + PythonRunner.python());
        WordEmbeddings w = teacher();
        Path in = tmp.resolve("m.f32"), out = tmp.resolve("p.f32");
        ByteBuffer b = ByteBuffer.allocate(w.matrix().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : w.matrix()) b.putFloat(f);
        Files.write(in, b.array());
        PythonRunner.run(PythonRunner.script("teacher_embeddings_reference.py"), in.toString(), "" + ROWS, "" + DIM, "" + HIDDEN, out.toString());
        ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        float[] ours = Tensors.toFloats(TeacherEmbeddings.embedTokens(w, VOCAB, HIDDEN, 1));
        double worst = 0;
        for (int i = 0; i < ROWS * HIDDEN; i++) worst = Math.max(worst, Math.abs(ours[i] - ref.getFloat(i * 4)));
        assertTrue(worst < 1e-4, "differs from the numpy reference by " + worst);
    }

    @Test
    void columnsAreUncorrelatedWithDescendingVarianceAndTheAddedRowsSeeded() {
        float[] t = Tensors.toFloats(TeacherEmbeddings.embedTokens(teacher(), VOCAB, HIDDEN, 1));
        double[][] cov = new double[HIDDEN][HIDDEN];
        double square = 0;
        for (int r = 0; r < ROWS; r++)
            for (int i = 0; i < HIDDEN; i++) {
                square += t[r * HIDDEN + i] * t[r * HIDDEN + i];
                for (int j = 0; j < HIDDEN; j++) cov[i][j] += t[r * HIDDEN + i] * t[r * HIDDEN + j] / ROWS;
            }
        assertEquals(1.0, Math.sqrt(square / (ROWS * HIDDEN)), 1e-4, "unit root mean square");
        for (int i = 0; i < HIDDEN; i++) {
            if (i > 0) assertTrue(cov[i][i] <= cov[i - 1][i - 1] + 1e-6, "variance of column " + i + " not below column " + (i - 1));
            for (int j = 0; j < HIDDEN; j++) if (i != j) assertEquals(0, cov[i][j] / cov[0][0], 1e-4, "covariance " + i + "," + j);
        }
        float[] again = Tensors.toFloats(TeacherEmbeddings.embedTokens(teacher(), VOCAB, HIDDEN, 1));
        float[] otherSeed = Tensors.toFloats(TeacherEmbeddings.embedTokens(teacher(), VOCAB, HIDDEN, 2));
        assertTrue(java.util.Arrays.equals(t, again), "deterministic");
        for (int i = 0; i < ROWS * HIDDEN; i++) assertEquals(t[i], otherSeed[i], "the teacher's rows do not depend on the seed");
        assertNotEquals(t[ROWS * HIDDEN], otherSeed[ROWS * HIDDEN], "the added rows do");
        assertNotEquals(t[ROWS * HIDDEN], t[(ROWS + 1) * HIDDEN]);
    }

    @Test
    void theTeachersWidthKeepsEveryDirection() {
        WordEmbeddings w = teacher();
        float[] t = Tensors.toFloats(TeacherEmbeddings.embedTokens(w, ROWS, DIM, 1));
        double[] mean = new double[DIM];
        for (int r = 0; r < ROWS; r++) for (int d = 0; d < DIM; d++) mean[d] += w.matrix()[r * DIM + d] / ROWS;
        double ratio = t[0] / (w.matrix()[0] - mean[0]); // centred and scaled, no rotation
        for (int r = 0; r < ROWS; r += 37)
            for (int d = 0; d < DIM; d++) assertEquals(ratio * (w.matrix()[r * DIM + d] - mean[d]), t[r * DIM + d], 1e-4);
    }
}
