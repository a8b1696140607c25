package reveal.eval.stats;

import java.util.Arrays;

import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import reveal.attribution.analysis.RetrainingSubsets;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Linear datamodeling score (TRAK, Park et al. 2023; kronfluence evaluates with it). It asks of an attribution method
 * what the paper's faithfulness tests ask only indirectly: do its scores predict what retraining actually does? Models
 * are retrained on random subsets of the training data; a method's scores, summed over a subset, predict each model's
 * margin on a test instance, and the rank correlation between predicted and actual margins is the score (1: the
 * method orders the retrained models perfectly; 0: no better than chance; negative: backwards).
 */
public final class Lds {

    private Lds() {
    }

    /**
     * M random subsets of int(alpha * n) distinct training positions, sorted ascending: subset m is
     * {@link RetrainingSubsets#random}{@code (n, alpha, seed + m)}, the same draw (and size) as the retraining test's
     * random subsets, so the LDS models can serve as its random arm. Deterministic on any JVM.
     *
     * @throws IllegalArgumentException when n &lt; 1, alpha is outside (0, 1], models &lt; 1, or int(alpha * n) is 0
     */
    public static int[][] subsets(int n, double alpha, int models, long seed) {
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, got " + n);
        if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must lie in (0, 1], got " + alpha);
        if (models < 1) throw new IllegalArgumentException("models must be at least 1, got " + models);
        if (RetrainingSubsets.cutoff(n, alpha) < 1) throw new IllegalArgumentException("int(" + alpha + " * " + n + ") = 0: every subset would be empty");
        int[][] out = new int[models][];
        for (int m = 0; m < models; m++) out[m] = RetrainingSubsets.random(n, alpha, seed + m);
        return out;
    }

    /**
     * subsets[m]: training positions model m was trained on; margins[m][t]: that model's margin on test instance t
     * (e.g. log p_y - log(1 - p_y) for the gold class y); scores[t][i]: an attribution method's score of training
     * instance i for test instance t (higher = more helpful to t). For each test instance, the predicted margin of
     * model m is the sum of scores[t][i] over i in subsets[m]; its LDS is the Spearman rank correlation (ties get
     * average ranks), over the M models, between predicted and actual margins. A test instance whose actual or
     * predicted margins are exactly constant over the models has no correlation: it is left out and counted.
     *
     * @throws IllegalArgumentException on fewer than 2 models, mismatched shapes, a position outside the training set,
     *                                  a repeated position within a subset, or a non-finite margin or score
     */
    public static Result score(int[][] subsets, double[][] margins, double[][] scores) {
        if (subsets == null || margins == null || scores == null) throw new IllegalArgumentException("null input");
        int models = subsets.length;
        if (models < 2) throw new IllegalArgumentException("a rank correlation needs at least 2 models, got " + models);
        if (margins.length != models) {
            throw new IllegalArgumentException(models + " subsets but margins for " + margins.length + " models");
        }
        int tests = scores.length;
        int n = tests == 0 ? 0 : checkRow("scores", 0, scores[0], -1);
        for (int t = 0; t < tests; t++) checkRow("scores", t, scores[t], n);
        for (int m = 0; m < models; m++) checkRow("margins", m, margins[m], tests);
        for (int m = 0; m < models; m++) {
            int[] s = subsets[m];
            if (s == null) throw new IllegalArgumentException("subsets[" + m + "] is null");
            boolean[] seen = new boolean[n];
            for (int j = 0; j < s.length; j++) {
                if (s[j] < 0 || s[j] >= n) {
                    throw new IllegalArgumentException("subsets[" + m + "][" + j + "] = " + s[j] + " is outside the "
                            + n + " training instances the scores cover");
                }
                if (seen[s[j]]) throw new IllegalArgumentException("subsets[" + m + "] repeats position " + s[j]);
                seen[s[j]] = true;
            }
        }
        SpearmansCorrelation spearman =
                new SpearmansCorrelation(new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE));
        double[] perTest = new double[tests];
        int[] included = new int[tests];
        int[] leftOut = new int[tests];
        int nIn = 0;
        int nOut = 0;
        double total = 0;
        double[] actual = new double[models];
        double[] predicted = new double[models];
        for (int t = 0; t < tests; t++) {
            double[] sc = scores[t];
            for (int m = 0; m < models; m++) {
                actual[m] = margins[m][t];
                double p = 0;
                for (int i : subsets[m]) p += sc[i];
                predicted[m] = p;
            }
            if (constant(actual) || constant(predicted)) {
                leftOut[nOut++] = t;
                continue;
            }
            double rho = spearman.correlation(predicted, actual);
            perTest[nIn] = rho;
            included[nIn++] = t;
            total += rho;
        }
        return new Result(nIn == 0 ? Double.NaN : total / nIn, Arrays.copyOf(perTest, nIn),
                Arrays.copyOf(included, nIn), Arrays.copyOf(leftOut, nOut));
    }

    /**
     * perTest[j]: the LDS of test instance included[j]; leftOut: the test instances without a correlation (constant
     * actual or predicted margins), so perTest never holds NaN. mean: mean of perTest; NaN only when every test
     * instance was left out, because then there is no score.
     */
    public record Result(double mean, double[] perTest, int[] included, int[] leftOut) {
    }

    private static int checkRow(String name, int index, double[] row, int length) {
        if (row == null) throw new IllegalArgumentException(name + "[" + index + "] is null");
        if (length >= 0 && row.length != length) {
            throw new IllegalArgumentException(name + "[" + index + "] has " + row.length + " entries, expected " + length);
        }
        for (int j = 0; j < row.length; j++) {
            if (!Double.isFinite(row[j])) throw new IllegalArgumentException(name + "[" + index + "][" + j + "] is " + row[j]);
        }
        return row.length;
    }

    private static boolean constant(double[] v) {
        for (int i = 1; i < v.length; i++) if (v[i] != v[0]) return false;
        return true;
    }
}
