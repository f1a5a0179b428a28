package io.rrs.training.dist;

import java.time.Duration;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A rank of {@link DistAllReduceTest}: all-reduces {@code [rank+1, 10*(rank+1), ...]} and prints the sums. */
public final class DistAllReduceChild {
    public static void main(String[] args) {
        int world = Integer.parseInt(args[0]), rank = Integer.parseInt(args[1]);
        try (DataParallelGroup group = DataParallelGroup.join(DistConfig.of(world, rank, args[2], Duration.ofSeconds(20)))) {
            Tensor t = torch.arange(new org.bytedeco.pytorch.Scalar(1000)).to(torch.ScalarType.Float).add(new org.bytedeco.pytorch.Scalar(rank + 1));
            for (int i = 0; i < 3; i++) group.allReduceSum(t);
            System.out.println("RESULT " + t.get(0).item_float() + " " + t.get(999).item_float());
        }
        System.exit(0);
    }
}
