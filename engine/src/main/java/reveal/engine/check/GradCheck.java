package reveal.engine.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

/**
 * Audits gradient math: compares autograd's gradient of a scalar function with central finite differences, in
 * float64 on the reference backend. Works on any function of tensors a user writes with the engine's ops.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** The outcome: the worst relative error over all checked elements, and where it occurred. */
    public record Result(double maxRelativeError, double maxAbsoluteError, int input, int element, double analytic, double numeric) {
        public boolean passed(double tolerance) {
            return maxRelativeError <= tolerance;
        }

        @Override
        public String toString() {
            return String.format("max relative error %.3e (absolute %.3e) at input %d element %d: autograd %.10g, finite difference %.10g",
                    maxRelativeError, maxAbsoluteError, input, element, analytic, numeric);
        }
    }

    /**
     * Checks d f / d inputs. {@code f} must return a scalar; inputs are copied to the reference backend.
     * The relative error of an element is {@code |a - n| / max(1, |a|, |n|)}, so tiny gradients are judged absolutely.
     */
    public static Result check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double step) {
        List<Tensor> xs = new ArrayList<>();
        for (Tensor t : inputs) xs.add(Tensor.of(ReferenceBackend.INSTANCE, t.toDoubleArray(), t.shape()).requireGrad());
        Tensor y = f.apply(xs);
        Tensor[] analytic = Autograd.grad(y, xs, false);
        double worstRel = 0, worstAbs = 0, wa = 0, wn = 0;
        int wi = -1, we = -1;
        for (int i = 0; i < xs.size(); i++) {
            double[] base = xs.get(i).toDoubleArray();
            double[] ga = analytic[i].toDoubleArray();
            for (int e = 0; e < base.length; e++) {
                double numeric = (evaluate(f, xs, i, base, e, step) - evaluate(f, xs, i, base, e, -step)) / (2 * step);
                double abs = Math.abs(ga[e] - numeric);
                double rel = abs / Math.max(1.0, Math.max(Math.abs(ga[e]), Math.abs(numeric)));
                if (rel > worstRel || wi < 0) {
                    worstRel = rel;
                    wi = i;
                    we = e;
                    wa = ga[e];
                    wn = numeric;
                }
                worstAbs = Math.max(worstAbs, abs);
            }
        }
        return new Result(worstRel, worstAbs, wi, we, wa, wn);
    }

    public static Result check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return check(f, inputs, 1e-6);
    }

    /**
     * Checks second derivatives: the gradient of {@code v . grad f} (a Hessian-vector product built by double
     * backward) against finite differences of it, for a fixed random direction v.
     */
    public static Result checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, long seed) {
        List<Tensor> directions = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) directions.add(Tensor.randn(ReferenceBackend.INSTANCE, seed + i, 1.0, inputs.get(i).shape()));
        Function<List<Tensor>, Tensor> gradDotV = xs -> {
            Tensor[] g = Autograd.grad(f.apply(xs), xs, true);
            Tensor acc = null;
            for (int i = 0; i < g.length; i++) {
                Tensor term = g[i].mul(directions.get(i)).sum();
                acc = acc == null ? term : acc.add(term);
            }
            return acc;
        };
        return check(gradDotV, inputs, 1e-5);
    }

    private static double evaluate(Function<List<Tensor>, Tensor> f, List<Tensor> xs, int which, double[] base, int e, double delta) {
        double[] moved = base.clone();
        moved[e] += delta;
        List<Tensor> args = new ArrayList<>(xs);
        // Inputs stay differentiable: a second-order check's function itself takes a gradient.
        args.set(which, Tensor.of(ReferenceBackend.INSTANCE, moved, xs.get(which).shape()).requireGrad());
        return f.apply(args).item();
    }
}
