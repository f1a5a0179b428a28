package io.rrs.pretrain;

import io.rrs.model.Tensors;
import io.rrs.teacher.WordEmbeddings;
import java.util.Random;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Scope: the {@code embed_tokens} of the {@code knowing} recipe (docs/pretrain.md), from the teacher's word-piece
 * embeddings: row {@code id < teacher rows} is the teacher's row {@code id}, centred and projected onto its first
 * {@code hidden} principal components (all 384 kept when {@code hidden} is 384: then only centred), scaled so that
 * the table's entries have unit root mean square (the scale of a random init's embeddings); rows past the teacher's
 * (the chat and audio special tokens it has no embedding for) are seeded standard normal, so no two rows coincide.
 * Why a fixed projection rather than a learned one: the table stays frozen, so words never seen in training keep
 * where the teacher put them relative to the seen ones; the principal components keep the most of that geometry.
 * Deterministic given the seed and the thread count (the eigen-decomposition runs in float64 in libtorch).
 */
public final class TeacherEmbeddings {
    private TeacherEmbeddings() {}

    /** The [vocabSize, hidden] float32 table. */
    public static Tensor embedTokens(WordEmbeddings teacher, int vocabSize, int hidden, long seed) {
        int rows = teacher.rows(), dim = teacher.dimension();
        if (hidden > dim) throw new IllegalArgumentException("hidden size " + hidden + " is wider than the teacher's " + dim + " word embeddings; use at most " + dim);
        if (vocabSize < rows) throw new IllegalArgumentException("vocabulary " + vocabSize + " is smaller than the teacher's " + rows + " word pieces");
        Tensor e = Tensors.floats(teacher.matrix(), rows, dim).to(ScalarType.Double);
        Tensor centred = e.sub(e.mean(0));
        Tensor projected;
        if (hidden == dim) {
            projected = centred;
        } else {
            Tensor covariance = centred.t().mm(centred).div(Tensors.scalar(rows));
            T_TensorTensor_T eig = torch.linalg_eigh(covariance); // ascending eigenvalues
            Tensor vectors = eig.get1().narrow(1, dim - hidden, hidden).flip(1); // the largest first
            // a vector's sign is arbitrary: make its largest-magnitude component positive
            float[] v = Tensors.toFloats(vectors.to(ScalarType.Float));
            float[] signs = new float[hidden];
            for (int c = 0; c < hidden; c++) {
                float best = 0;
                for (int r = 0; r < dim; r++) if (Math.abs(v[r * hidden + c]) > Math.abs(best)) best = v[r * hidden + c];
                signs[c] = best < 0 ? -1 : 1;
            }
            projected = centred.mm(vectors.mul(Tensors.floats(signs, 1, hidden).to(ScalarType.Double)));
        }
        double rms = Math.sqrt(projected.pow(Tensors.scalar(2)).mean().item_double());
        float[] table = new float[Math.multiplyExact(vocabSize, hidden)];
        System.arraycopy(Tensors.toFloats(projected.div(Tensors.scalar(rms)).to(ScalarType.Float).contiguous()), 0, table, 0, rows * hidden);
        Random rnd = new Random(seed ^ 0x656D626564L);
        for (int i = rows * hidden; i < table.length; i++) table[i] = (float) rnd.nextGaussian();
        return Tensors.floats(table, vocabSize, hidden);
    }
}
