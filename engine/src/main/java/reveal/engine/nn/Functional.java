package reveal.engine.nn;

import java.util.Arrays;
import java.util.SplittableRandom;
import reveal.engine.Tensor;

/**
 * Neural-network functions composed from the engine's primitives, so each is differentiable to any order without
 * a hand-written gradient.
 */
public final class Functional {
    private Functional() {
    }

    /** {@code x W^T + b} for a PyTorch-layout weight {@code [out, in]}; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || weight.dim(1) != x.dim(-1)) {
            throw new IllegalArgumentException("linear: input of shape " + Arrays.toString(x.shape()) + " and weight of shape " + Arrays.toString(weight.shape()) + " (weight must be [out, " + x.dim(-1) + "])");
        }
        Tensor y = x.matmul(weight.transpose(0, 1));
        return bias == null ? y : y.add(bias);
    }

    /** Layer norm over the last axis: biased variance, eps inside the square root (PyTorch's definition). */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        checkNormParameter("layerNorm", x, weight);
        checkNormParameter("layerNorm", x, bias);
        Tensor centered = x.sub(x.mean(-1, true));
        Tensor var = centered.square().mean(-1, true);
        Tensor y = centered.mul(var.add(eps).rsqrt());
        if (weight != null) y = y.mul(weight);
        return bias == null ? y : y.add(bias);
    }

    /** RMS norm over the last axis: {@code x * rsqrt(mean(x^2) + eps) * w}. */
    public static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        checkNormParameter("rmsNorm", x, weight);
        Tensor y = x.mul(x.square().mean(-1, true).add(eps).rsqrt());
        return weight == null ? y : y.mul(weight);
    }

    private static void checkNormParameter(String op, Tensor x, Tensor p) {
        if (p != null && (p.rank() != 1 || p.dim(0) != x.dim(-1))) {
            throw new IllegalArgumentException(op + ": input of shape " + Arrays.toString(x.shape()) + " and parameter of shape " + Arrays.toString(p.shape()) + " (must be [" + x.dim(-1) + "])");
        }
    }

    /**
     * Mean cross-entropy of {@code logits [N, C]} against class ids; entries equal to {@code ignoreIndex} count
     * neither in the sum nor in the mean. All targets ignored gives NaN, as in PyTorch.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        if (logits.rank() != 2 || logits.dim(0) != targets.length) {
            throw new IllegalArgumentException("crossEntropy: logits of shape " + Arrays.toString(logits.shape()) + " for " + targets.length + " targets");
        }
        int kept = 0;
        for (int t : targets) if (t != ignoreIndex) kept++;
        int[] rows = new int[kept], cls = new int[kept];
        for (int i = 0, j = 0; i < targets.length; i++) {
            if (targets[i] == ignoreIndex) continue;
            rows[j] = i;
            cls[j++] = targets[i];
        }
        if (kept == 0) return logits.sum().mul(Double.NaN);
        Tensor logp = (kept == targets.length ? logits : logits.gatherRows(rows)).logSoftmax(-1);
        return logp.gatherLast(cls).mean().neg();
    }

    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, Integer.MIN_VALUE);
    }

    /** Inverted dropout with a mask drawn from {@code seed}: the same seed drops the same elements on every backend. */
    public static Tensor dropout(Tensor x, double p, long seed) {
        if (p <= 0) return x;
        if (p >= 1) return x.mul(0.0);
        SplittableRandom r = new SplittableRandom(seed);
        double[] mask = new double[x.size()];
        double keep = 1.0 / (1.0 - p);
        for (int i = 0; i < mask.length; i++) mask[i] = r.nextDouble() < p ? 0.0 : keep;
        return x.mul(Tensor.of(x.backend(), mask, x.shape()));
    }

    /** The first index of the largest value. */
    public static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /** Per row of a {@code [rows, width]} tensor, the first index of its largest value. */
    public static int[] argmaxRows(Tensor x) {
        int rows = x.dim(0), width = x.dim(1);
        double[] v = x.toDoubleArray();
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int k = 1; k < width; k++) if (v[r * width + k] > v[r * width + best]) best = k;
            out[r] = best;
        }
        return out;
    }

    /** Row-wise dot products of two tensors flattened to vectors. */
    public static Tensor dot(Tensor a, Tensor b) {
        return a.flatten().mul(b.flatten()).sum();
    }
}
