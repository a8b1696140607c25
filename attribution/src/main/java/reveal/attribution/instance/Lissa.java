package reveal.attribution.instance;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import reveal.engine.Tensor;

/**
 * The LiSSA inverse-Hessian-vector product of paper-method 4.3: with {@code v_0 = g},
 * {@code v_{j+1} = g + (1 - damping) v_j - H_{B_j}[v_j] / scale} for {@code j < J}, and {@code ihvp = v_J / scale},
 * averaged over {@code repeats} recursions. Every step's {@code |v_j|} is kept as a convergence trace.
 */
public final class Lissa {
    private Lissa() {
    }

    /**
     * One recursion's convergence trace: {@code norms[j] = |v_j|} for j = 0..steps. A diverged recursion stopped at
     * the first step whose norm was not finite or exceeded {@code bound}.
     *
     * <p><b>Convergence.</b> {@code v_j} approaches its fixed point geometrically, so a recursion that is still
     * getting somewhere shows it in {@code |v|}: {@link #relativeChange()} is how much {@code |v|} changed over the
     * last 10% of the steps (at least 2), relative to the final {@code |v|}, and {@link #converged} asks that this be
     * below a tolerance and that the recursion did not diverge. It is a necessary condition, not a proof: a norm that
     * has settled says nothing of the direction, and mini-batch noise puts a floor under the change.
     */
    public record Trace(int repeat, double[] norms, double bound, boolean diverged) {
        public int steps() {
            return norms.length - 1;
        }

        /** Steps the convergence check looks back over: {@code ceil(0.1 * steps)}, at least 2, at most all of them. */
        public int window() {
            return Math.min(steps(), Math.max(2, (int) Math.ceil(0.1 * steps())));
        }

        /**
         * {@code |norms[J] - norms[J - window]| / norms[J]} for J = {@link #steps()}: 0 when both are 0, infinite
         * when only the last is, NaN without a step or with a norm that is not finite.
         */
        public double relativeChange() {
            int j = steps();
            if (j < 1) return Double.NaN;
            double last = norms[j], diff = Math.abs(last - norms[j - window()]);
            if (diff == 0) return 0;
            return diff / last;
        }

        /** Did not diverge, and {@link #relativeChange()} is below {@code tolerance}. */
        public boolean converged(double tolerance) {
            return !diverged && relativeChange() < tolerance;
        }
    }

    /** The averaged inverse-HVP and one trace per repeat. */
    public record Result(Tensor ihvp, List<Trace> traces) {
        public boolean diverged() {
            return traces.stream().anyMatch(Trace::diverged);
        }
    }

    /** {@code (H + damping*scale*I)^-1 g} for the mean training loss over {@code trainIds}, approximately. */
    public static Result inverseHvp(Derivatives train, int[] trainIds, Tensor g, LissaConfig cfg) {
        int depth = cfg.depth(trainIds.length);
        if (depth < 1) {
            throw new IllegalArgumentException("LiSSA: depth factor " + cfg.depthFactor() + " gives no recursion step for " + trainIds.length
                    + " training instances in batches of " + cfg.batchSize() + "; raise it or give a fixed depth");
        }
        double gNorm = norm(g);
        double bound = cfg.divergenceFactor() * gNorm / Math.max(cfg.damping(), 1e-12);
        Tensor sum = null;
        List<Trace> traces = new ArrayList<>();
        for (int r = 0; r < cfg.repeats(); r++) {
            BatchSchedule batches = BatchSchedule.of(cfg, trainIds, r);
            Tensor v = g;
            double[] norms = new double[depth + 1];
            norms[0] = gNorm;
            int steps = depth;
            boolean diverged = false;
            for (int j = 0; j < depth; j++) {
                Tensor hv = train.hessianVectorProduct(batches.next(), v);
                v = g.add(v.mul(1 - cfg.damping())).sub(hv.div(cfg.scale()));
                norms[j + 1] = norm(v);
                if (!(norms[j + 1] <= bound)) {
                    steps = j + 1;
                    diverged = true;
                    break;
                }
            }
            traces.add(new Trace(r, java.util.Arrays.copyOf(norms, steps + 1), bound, diverged));
            Tensor ihvp = v.div(cfg.scale());
            sum = sum == null ? ihvp : sum.add(ihvp);
        }
        return new Result(cfg.repeats() == 1 ? sum : sum.div(cfg.repeats()), traces);
    }

    /**
     * A Hessian scale under which the recursion should converge: 1.5 times the largest |eigenvalue| that 20 steps of
     * power iteration find on the Hessians of 3 random batches of {@code batchSize} (each recursion step uses a
     * mini-batch Hessian, whose spectrum can exceed the mean's). An estimate, not a bound: the convergence trace
     * shows if it fell short, and the recursion stops with an error when it diverges.
     */
    public static double suggestScale(Derivatives train, int[] trainIds, int batchSize, long seed) {
        Random rnd = new Random(seed);
        int p = train.parameters().size();
        reveal.engine.Backend backend = train.parameters().tensors().get(0).backend();
        double largest = 0;
        for (int b = 0; b < 3; b++) {
            int[] batch = new int[Math.min(batchSize, trainIds.length)];
            for (int i = 0; i < batch.length; i++) batch[i] = trainIds[rnd.nextInt(trainIds.length)];
            double[] start = new double[p];
            for (int i = 0; i < p; i++) start[i] = rnd.nextGaussian();
            Tensor v = Tensor.of(backend, start, p);
            v = v.div(norm(v));
            double lambda = 0;
            for (int step = 0; step < 20; step++) {
                Tensor hv = train.hessianVectorProduct(batch, v);
                lambda = norm(hv);
                if (!(lambda > 0)) break;
                v = hv.div(lambda);
            }
            largest = Math.max(largest, lambda);
        }
        if (!(largest > 0) || !Double.isFinite(largest)) throw new IllegalStateException("LiSSA: cannot estimate the Hessian scale (largest eigenvalue estimate " + largest + "); give the scale explicitly");
        return 1.5 * largest;
    }

    static double norm(Tensor v) {
        return Math.sqrt(v.mul(v).sum().item());
    }
}
