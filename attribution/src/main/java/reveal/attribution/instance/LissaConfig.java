package reveal.attribution.instance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the LiSSA inverse-HVP (paper-method 4.3). The recursion's fixed point is
 * {@code (H + damping * scale * I)^-1 g}; it converges when {@code ||(1 - damping) I - H / scale|| < 1}, so
 * {@code scale} must exceed the largest Hessian eigenvalue.
 *
 * @param damping          d in {@code v <- g + (1 - d) v - H v / scale}
 * @param scale            Hessian scale
 * @param depthFactor      depth J = int(ceil(N_train / batchSize) * depthFactor) (the paper's {@code lissa_depth}),
 *                         used when {@code fixedDepth} is 0
 * @param fixedDepth       a fixed number of recursion steps, or 0
 * @param batchSize        training instances per Hessian-vector product (mean loss over the batch)
 * @param repeats          independent recursions (different batch orders) whose results are averaged
 * @param seed             seed of the shuffled batch order; repeat r uses {@code seed + r}
 * @param order            shuffled epochs (the paper's shuffled DataLoader) or a fixed cyclic order (the fixtures')
 * @param divergenceFactor the recursion is stopped and flagged as diverged when {@code |v|} exceeds
 *                         {@code divergenceFactor * |g| / damping} (the fixed point's bound for a positive
 *                         semi-definite Hessian is {@code |g| / damping}) or is not finite
 * @param tolerance        a recursion counts as converged when {@link Lissa.Trace#relativeChange()} is below this
 *                         ({@link Lissa.Trace#converged}); it changes no result, so it is not among the recorded
 *                         settings ({@link #describe()})
 */
public record LissaConfig(double damping, double scale, double depthFactor, int fixedDepth, int batchSize, int repeats,
                          long seed, BatchOrder order, double divergenceFactor, double tolerance) {
    /** The default of {@link #tolerance}: |v| changed by less than 1% over the last 10% of the steps. */
    public static final double DEFAULT_TOLERANCE = 0.01;

    public enum BatchOrder {
        /** Each epoch a new permutation of the training set, cut into batches (the last one may be smaller). */
        SHUFFLED,
        /** Step s uses training positions {@code (s * batchSize + i) mod N}, i < batchSize. */
        CYCLIC
    }

    public LissaConfig {
        if (!(damping >= 0 && damping < 1)) throw new IllegalArgumentException("LiSSA: damping " + damping + " outside [0, 1)");
        if (!(scale > 0)) throw new IllegalArgumentException("LiSSA: scale " + scale + " must be positive");
        if (fixedDepth < 0 || (fixedDepth == 0 && !(depthFactor > 0))) throw new IllegalArgumentException("LiSSA: needs a fixed depth > 0 or a depth factor > 0, got " + fixedDepth + " and " + depthFactor);
        if (batchSize < 1 || repeats < 1) throw new IllegalArgumentException("LiSSA: batch size " + batchSize + " and repeats " + repeats + " must be >= 1");
        if (!(divergenceFactor > 0)) throw new IllegalArgumentException("LiSSA: divergence factor " + divergenceFactor + " must be positive");
        if (!(tolerance > 0)) throw new IllegalArgumentException("LiSSA: convergence tolerance " + tolerance + " must be positive");
    }

    /** The paper's settings for one model/dataset row of the 4.3 table: one shuffled repetition, seed 42. */
    public static LissaConfig paper(double damping, double depthFactor, double scale, int batchSize) {
        return new LissaConfig(damping, scale, depthFactor, 0, batchSize, 1, 42, BatchOrder.SHUFFLED, 10, DEFAULT_TOLERANCE);
    }

    public LissaConfig withFixedDepth(int depth) {
        return new LissaConfig(damping, scale, depthFactor, depth, batchSize, repeats, seed, order, divergenceFactor, tolerance);
    }

    public LissaConfig withRepeats(int n) {
        return new LissaConfig(damping, scale, depthFactor, fixedDepth, batchSize, n, seed, order, divergenceFactor, tolerance);
    }

    public LissaConfig withSeed(long s) {
        return new LissaConfig(damping, scale, depthFactor, fixedDepth, batchSize, repeats, s, order, divergenceFactor, tolerance);
    }

    public LissaConfig withOrder(BatchOrder o) {
        return new LissaConfig(damping, scale, depthFactor, fixedDepth, batchSize, repeats, seed, o, divergenceFactor, tolerance);
    }

    public LissaConfig withDivergenceFactor(double f) {
        return new LissaConfig(damping, scale, depthFactor, fixedDepth, batchSize, repeats, seed, order, f, tolerance);
    }


    /** The effective L2 damping of the fixed point, {@code damping * scale}. */
    public double lambda() {
        return damping * scale;
    }

    /**
     * Recursion steps for a training set of {@code n} instances: the fixed depth, else
     * {@code int(ceil(n / batchSize) * depthFactor)} (the paper's code), which may be 0 for a small set.
     */
    public int depth(int n) {
        if (fixedDepth > 0) return fixedDepth;
        return (int) (Math.ceil((double) n / batchSize) * depthFactor);
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("damping", damping);
        m.put("scale", scale);
        m.put("depth_factor", depthFactor);
        m.put("fixed_depth", fixedDepth);
        m.put("batch_size", batchSize);
        m.put("repeats", repeats);
        m.put("seed", seed);
        m.put("order", order.name());
        m.put("divergence_factor", divergenceFactor);
        return m;
    }
}
