package reveal.attribution.instance;

import java.util.function.UnaryOperator;

/** Conjugate gradient for a symmetric positive-definite operator: the exact oracle LiSSA is checked against. */
final class ConjugateGradient {
    private ConjugateGradient() {
    }

    static double[] solve(UnaryOperator<double[]> a, double[] b, double relTol, int maxIter) {
        int n = b.length;
        double[] x = new double[n], r = b.clone(), p = b.clone();
        double rr = RandomHead.dot(r, r), stop = relTol * relTol * rr;
        for (int it = 0; it < maxIter && rr > stop; it++) {
            double[] ap = a.apply(p);
            double alpha = rr / RandomHead.dot(p, ap);
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double next = RandomHead.dot(r, r);
            for (int i = 0; i < n; i++) p[i] = r[i] + next / rr * p[i];
            rr = next;
        }
        if (rr > stop) throw new IllegalStateException("CG did not converge in " + maxIter + " iterations: |r|^2 = " + rr);
        return x;
    }
}
