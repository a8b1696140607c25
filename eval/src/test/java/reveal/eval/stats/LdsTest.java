package reveal.eval.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * LDS against a toy where the exact first-order influence is known in closed form: L2-regularised logistic
 * regression in float64, retrained to convergence (Newton) on random halves of the training set.
 */
class LdsTest {

    private static final int D = 5;
    private static final int N = 200;
    private static final int TESTS = 40;
    private static final int MODELS = 64;
    /** With about 100 points of curvature ~0.2 per subset, lambda = 2 keeps the Hessian's condition number small. */
    private static final double LAMBDA = 2.0;

    /** The toy: features, labels in {-1, +1}, and the retrained models' margins and the exact influence scores. */
    private static final class Toy {
        final double[][] x = new double[N][D];
        final double[] y = new double[N];
        final double[][] xt = new double[TESTS][D];
        final double[] yt = new double[TESTS];

        Toy(long seed) {
            Random rng = new Random(seed);
            double[] w = {1.0, -0.8, 0.5, 0.3, -1.2};
            for (int i = 0; i < N; i++) draw(rng, w, x[i], y, i);
            for (int t = 0; t < TESTS; t++) draw(rng, w, xt[t], yt, t);
        }

        private static void draw(Random rng, double[] w, double[] row, double[] labels, int i) {
            for (int j = 0; j < D; j++) row[j] = rng.nextGaussian();
            labels[i] = rng.nextDouble() < sigmoid(dot(w, row)) ? 1 : -1;
        }

        /** Minimises sum_{i in S} log(1 + exp(-y_i theta.x_i)) + lambda/2 |theta|^2 by Newton's method, to convergence. */
        double[] fit(int[] subset) {
            double[] theta = new double[D];
            for (int it = 0; it < 100; it++) {
                double[] g = gradient(theta, subset);
                double[] step = solver(hessian(theta, subset)).solve(new ArrayRealVector(g)).toArray();
                for (int j = 0; j < D; j++) theta[j] -= step[j];
                if (norm(step) < 1e-13) break;
            }
            double[] g = gradient(theta, subset);
            assertTrue(norm(g) < 1e-9, "Newton did not converge: |grad| = " + norm(g));
            return theta;
        }

        double[] gradient(double[] theta, int[] subset) {
            double[] g = new double[D];
            for (int j = 0; j < D; j++) g[j] = LAMBDA * theta[j];
            for (int i : subset) {
                double[] gi = lossGradient(theta, i);
                for (int j = 0; j < D; j++) g[j] += gi[j];
            }
            return g;
        }

        /** d/dtheta log(1 + exp(-y theta.x)) = -y x sigma(-y theta.x). */
        double[] lossGradient(double[] theta, int i) {
            double c = -y[i] * sigmoid(-y[i] * dot(theta, x[i]));
            double[] g = new double[D];
            for (int j = 0; j < D; j++) g[j] = c * x[i][j];
            return g;
        }

        RealMatrix hessian(double[] theta, int[] subset) {
            double[][] h = new double[D][D];
            for (int j = 0; j < D; j++) h[j][j] = LAMBDA;
            for (int i : subset) {
                double s = sigmoid(dot(theta, x[i]));
                double c = s * (1 - s);
                for (int j = 0; j < D; j++) for (int k = j; k < D; k++) h[j][k] += c * x[i][j] * x[i][k];
            }
            for (int j = 0; j < D; j++) for (int k = 0; k < j; k++) h[j][k] = h[k][j];
            return new Array2DRowRealMatrix(h, false);
        }

        /** Test margin log p_y - log(1 - p_y) = y theta.x for the gold label y. */
        double margin(double[] theta, int t) {
            return yt[t] * dot(theta, xt[t]);
        }

        /**
         * Exact first-order influence on test logit t of including training point i:
         * -grad f_t^T H^-1 grad loss_i at the full-data optimum, H the full-data Hessian (with the regulariser).
         * Including i with weight eps moves theta by -eps H^-1 grad loss_i, so this is the margin's rise.
         */
        double[][] influence() {
            int[] all = new int[N];
            for (int i = 0; i < N; i++) all[i] = i;
            double[] theta = fit(all);
            DecompositionSolver hInv = solver(hessian(theta, all));
            double[][] hInvGradLoss = new double[N][];
            for (int i = 0; i < N; i++) hInvGradLoss[i] = hInv.solve(new ArrayRealVector(lossGradient(theta, i))).toArray();
            double[][] scores = new double[TESTS][N];
            for (int t = 0; t < TESTS; t++) {
                double[] gradF = new double[D];
                for (int j = 0; j < D; j++) gradF[j] = yt[t] * xt[t][j];
                for (int i = 0; i < N; i++) scores[t][i] = -dot(gradF, hInvGradLoss[i]);
            }
            return scores;
        }

        double[][] margins(int[][] subsets) {
            double[][] m = new double[subsets.length][TESTS];
            for (int k = 0; k < subsets.length; k++) {
                double[] theta = fit(subsets[k]);
                for (int t = 0; t < TESTS; t++) m[k][t] = margin(theta, t);
            }
            return m;
        }
    }

    private static DecompositionSolver solver(RealMatrix h) {
        return new CholeskyDecomposition(h).getSolver();
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    @Test
    void exactInfluenceScoresHighRandomNearZeroNegatedLow() {
        Toy toy = new Toy(11);
        int[][] subsets = Lds.subsets(N, 0.5, MODELS, 12);
        double[][] margins = toy.margins(subsets);
        double[][] exact = toy.influence();

        Lds.Result good = Lds.score(subsets, margins, exact);

        Random rng = new Random(13);
        double[][] random = new double[TESTS][N];
        for (double[] row : random) for (int i = 0; i < N; i++) row[i] = rng.nextGaussian();
        Lds.Result chance = Lds.score(subsets, margins, random);

        double[][] negated = new double[TESTS][N];
        for (int t = 0; t < TESTS; t++) for (int i = 0; i < N; i++) negated[t][i] = -exact[t][i];
        Lds.Result backwards = Lds.score(subsets, margins, negated);

        System.out.printf("LDS toy (d=%d, n=%d, M=%d, alpha=0.5): exact influence %.3f (min %.3f), random %.3f, negated %.3f%n",
                D, N, MODELS, good.mean(), Arrays.stream(good.perTest()).min().orElseThrow(), chance.mean(), backwards.mean());
        assertEquals(TESTS, good.included().length);
        assertEquals(0, good.leftOut().length);
        assertTrue(good.mean() > 0.7, "exact influence LDS " + good.mean());
        assertTrue(Math.abs(chance.mean()) < 0.1, "random LDS " + chance.mean());
        assertTrue(backwards.mean() < -0.7, "negated LDS " + backwards.mean());
        // Spearman of a negated predictor is the negated correlation, test by test.
        for (int j = 0; j < TESTS; j++) assertEquals(-good.perTest()[j], backwards.perTest()[j], 1e-12);
    }

    /** Three models on one training point each: predicted ranks (1, 2, 3), actual (1, 3, 2): 1 - 6*2/(3*8) = 0.5. */
    @Test
    void spearmanOnAHandCase() {
        int[][] subsets = {{0}, {1}, {2}};
        double[][] margins = {{10}, {30}, {20}};
        double[][] scores = {{1, 2, 3}};
        Lds.Result r = Lds.score(subsets, margins, scores);
        assertEquals(0.5, r.mean(), 1e-12);
        assertArrayEquals(new double[] {0.5}, r.perTest(), 1e-12);
        // Ties take average ranks: predicted (1, 1, 3) has ranks (1.5, 1.5, 3); against actual ranks (1, 2, 3) the
        // centred ranks are (-0.5, -0.5, 1) and (-1, 0, 1): 1.5 / sqrt(1.5 * 2) = sqrt(3) / 2.
        Lds.Result tied = Lds.score(subsets, new double[][] {{10}, {20}, {30}}, new double[][] {{1, 1, 3}});
        assertEquals(Math.sqrt(3) / 2, tied.mean(), 1e-12);
    }

    @Test
    void constantMarginsAreLeftOutAndCounted() {
        int[][] subsets = Lds.subsets(6, 0.5, 8, 1);
        double[][] margins = new double[8][3];
        double[][] scores = new double[3][6];
        Random rng = new Random(2);
        for (int m = 0; m < 8; m++) {
            margins[m][0] = rng.nextGaussian(); // varies: included
            margins[m][1] = 1.5;                // constant actual margin: left out
            margins[m][2] = rng.nextGaussian(); // varies, but its scores are all 0: constant prediction, left out
        }
        for (int i = 0; i < 6; i++) {
            scores[0][i] = rng.nextGaussian();
            scores[1][i] = rng.nextGaussian();
        }
        Lds.Result r = Lds.score(subsets, margins, scores);
        assertArrayEquals(new int[] {0}, r.included());
        assertArrayEquals(new int[] {1, 2}, r.leftOut());
        assertEquals(1, r.perTest().length);
        assertFalse(Double.isNaN(r.perTest()[0]));
        assertEquals(r.perTest()[0], r.mean(), 0);

        double[][] flat = new double[8][1];
        Lds.Result none = Lds.score(subsets, flat, new double[][] {scores[0]});
        assertEquals(0, none.perTest().length);
        assertArrayEquals(new int[] {0}, none.leftOut());
        assertTrue(Double.isNaN(none.mean()), "no included test instance: no mean");
    }

    @Test
    void subsetsAreDeterministicSizedSortedDistinctAndUniform() {
        int[][] s = Lds.subsets(200, 0.5, 64, 7);
        assertTrue(Arrays.deepEquals(s, Lds.subsets(200, 0.5, 64, 7)), "same arguments, same subsets");
        assertFalse(Arrays.deepEquals(s, Lds.subsets(200, 0.5, 64, 8)), "another seed, other subsets");
        assertEquals(64, s.length);
        for (int[] sub : s) {
            assertEquals(100, sub.length);
            for (int j = 0; j < sub.length; j++) {
                assertTrue(sub[j] >= 0 && sub[j] < 200);
                if (j > 0) assertTrue(sub[j] > sub[j - 1], "strictly ascending, hence distinct");
            }
        }
        assertEquals(3, Lds.subsets(7, 0.5, 1, 1)[0].length, "int(3.5) = 3, the retraining test's size");
        assertEquals(3, Lds.subsets(10, 0.3, 1, 1)[0].length);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Lds.subsets(5, 1.0, 1, 1)[0]);

        // Every position is drawn with probability alpha: over 4000 subsets of 10 out of 20, each frequency is within
        // 0.04 of 0.5 (binomial sd 0.008), which a biased shuffle would miss.
        int[] count = new int[20];
        for (int[] sub : Lds.subsets(20, 0.5, 4000, 3)) for (int i : sub) count[i]++;
        for (int i = 0; i < 20; i++) assertEquals(0.5, count[i] / 4000.0, 0.04, "position " + i);

        // The LDS models are the retraining test's random arm: subset m is its random subset with seed + m.
        int[][] drawn = Lds.subsets(10, 0.5, 2, 42);
        assertArrayEquals(reveal.attribution.analysis.RetrainingSubsets.random(10, 0.5, 42), drawn[0]);
        assertArrayEquals(reveal.attribution.analysis.RetrainingSubsets.random(10, 0.5, 43), drawn[1]);
        // Regression pin: subsets drive stored retraining runs, so a change of the drawing scheme must be deliberate.
        assertTrue(Arrays.deepEquals(PIN, drawn), Arrays.deepToString(drawn));
    }

    private static final int[][] PIN = {{1, 2, 4, 7, 9}, {2, 4, 5, 8, 9}};

    @Test
    void badInputsAreRejected() {
        int[][] subsets = {{0, 1}, {1, 2}, {0, 2}};
        double[][] margins = {{1}, {2}, {3}};
        double[][] scores = {{1, 2, 3}};
        assertThrows(IllegalArgumentException.class, () -> Lds.score(new int[][] {{0, 3}, {1, 2}, {0, 2}}, margins, scores));
        assertThrows(IllegalArgumentException.class, () -> Lds.score(new int[][] {{0, 0}, {1, 2}, {0, 2}}, margins, scores));
        assertThrows(IllegalArgumentException.class, () -> Lds.score(subsets, new double[][] {{1}, {Double.NaN}, {3}}, scores));
        assertThrows(IllegalArgumentException.class, () -> Lds.score(subsets, new double[][] {{1}, {2}}, scores));
        assertThrows(IllegalArgumentException.class, () -> Lds.score(subsets, margins, new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> Lds.subsets(10, 0.0, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Lds.subsets(10, 0.01, 2, 1));
    }
}
