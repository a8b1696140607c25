package reveal.eval.stats;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;
import java.util.Random;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Turns a comparison of two arms into a {@link Verdict}: effect size, bootstrap interval, permutation p-value and a
 * decision with a reason. Both sources of noise in this project are accounted for: which test instances happened to be
 * drawn (units, resampled and sign-flipped) and which training seed or random control happened to run (replicates,
 * resampled within each arm), so a difference that a different seed would erase does not count as a finding.
 *
 * <p>All randomness comes from {@link java.util.Random}, whose algorithm the Java specification fixes, so a seed gives
 * the same interval and p-value on every JVM.
 */
public final class Comparisons {

    /** Up to this many units the sign-flip test enumerates all 2^units sign patterns (about a million at 20). */
    static final int EXACT_UNITS = 20;

    private Comparisons() {
    }

    /**
     * Claim: arm a is greater than arm b. {@code a[replicate][unit]} and {@code b[replicate][unit]}: the units (test
     * instances) are paired across arms (same column); replicates (training seeds, random controls) are independent
     * runs within an arm, and the arms may have different replicate counts (b may have 1 row, e.g. an exact expectation).
     *
     * <p>effect = mean over all of a - mean over all of b. interval: percentile bootstrap at the settings' level that
     * resamples units with replacement (the same unit indices for both arms) and, within each arm with more than one
     * replicate, its replicates with replacement. p: one-sided paired sign-flip permutation test on the per-unit
     * differences of the replicate means (exact when units &lt;= 20, else Monte Carlo, p = (hits + 1) / (perms + 1)).
     *
     * <p>verdict: SUPPORTED when the interval's lower bound &gt; 0 and p &lt; 1 - level (checked first: a real but small
     * effect is still supported); NOT_SUPPORTED when the interval's upper bound &lt; margin (any effect is smaller than
     * the smallest effect worth reporting, or reversed); else INCONCLUSIVE. Fewer than 2 units: INCONCLUSIVE, with no
     * interval and no p-value.
     *
     * @param margin the smallest effect worth reporting, finite and &gt;= 0 (0: only a reversed effect refutes the claim)
     * @throws IllegalArgumentException on ragged or mismatched arms, an arm without rows, a negative or non-finite
     *                                  margin, or a non-finite value (the message names the arm and position)
     */
    public static Verdict greater(String id, String claim, double[][] a, double[][] b, double margin, TestSettings s) {
        Objects.requireNonNull(s, "settings");
        int n = checkArm("a", a, -1);
        checkArm("b", b, n);
        if (!(Double.isFinite(margin) && margin >= 0)) {
            throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
        }
        int replicates = Math.max(a.length, b.length);
        double effect = mean(a) - mean(b);
        if (n < 2) {
            String why = n == 0 ? "there are no test instances to compare"
                    : "only 1 test instance; at least 2 are needed to tell an effect from noise";
            return new Verdict(id, claim, Outcome.INCONCLUSIVE, effect, null, Double.NaN, n, replicates, why);
        }
        double[] interval = bootstrap(a, b, s.level(), s.resamples(), s.seed());
        double[] d = unitDifferences(a, b);
        double p = n <= EXACT_UNITS ? signFlipExact(d) : signFlipMonteCarlo(d, s.permutations(), s.seed());
        return decide(id, claim, effect, interval, p, n, replicates, margin, s.level());
    }

    /** Claim: the mean of a is positive; {@link #greater} against an arm of zeros with one replicate. */
    public static Verdict positive(String id, String claim, double[][] a, double margin, TestSettings s) {
        int n = checkArm("a", a, -1);
        return greater(id, claim, a, new double[1][n], margin, s);
    }

    /**
     * Percentile bootstrap interval {lo, hi} of the mean of values (resampling values with replacement), seeded.
     *
     * @throws IllegalArgumentException on no values, a non-finite value, a level outside (0, 1) or resamples &lt; 1
     */
    public static double[] meanInterval(double[] values, double level, int resamples, long seed) {
        if (values == null || values.length == 0) throw new IllegalArgumentException("values: no values");
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) throw new IllegalArgumentException("values[" + i + "] is " + values[i]);
        }
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must lie in (0, 1), got " + level);
        if (resamples < 1) throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
        return bootstrap(new double[][] {values}, null, level, resamples, seed);
    }

    // ---- the pieces, package-private where a test checks them on their own

    /**
     * Exact one-sided sign-flip p-value: the fraction of all 2^n sign patterns whose sum is at least the observed sum
     * (the identity pattern included). Under the null hypothesis "each difference is as likely negative as positive"
     * every pattern is equally likely, so this is the exact probability of a sum this large.
     */
    static double signFlipExact(double[] d) {
        int n = d.length;
        if (n > 30) throw new IllegalArgumentException("exact enumeration of 2^" + n + " sign patterns is too large");
        double observed = sum(d);
        double tol = tieTolerance(d);
        long total = 1L << n;
        long hits = 0;
        for (long mask = 0; mask < total; mask++) {
            double t = 0;
            for (int i = 0; i < n; i++) t += ((mask >>> i) & 1L) != 0 ? -d[i] : d[i];
            if (t >= observed - tol) hits++;
        }
        return hits / (double) total;
    }

    /**
     * Monte Carlo sign-flip p-value, (hits + 1) / (permutations + 1): counting the observed pattern keeps p above 0
     * and the test valid at any number of permutations.
     */
    static double signFlipMonteCarlo(double[] d, int permutations, long seed) {
        int n = d.length;
        double observed = sum(d);
        double tol = tieTolerance(d);
        // A stream apart from the bootstrap's, which uses the plain seed.
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        long hits = 0;
        for (int k = 0; k < permutations; k++) {
            double t = 0;
            int bits = 0;
            for (int i = 0; i < n; i++) {
                if ((i & 31) == 0) bits = rng.nextInt();
                t += (bits & 1) != 0 ? -d[i] : d[i];
                bits >>>= 1;
            }
            if (t >= observed - tol) hits++;
        }
        return (hits + 1) / (double) (permutations + 1);
    }

    /** Per unit, mean over a's replicates minus mean over b's: the paired differences the sign-flip test permutes. */
    static double[] unitDifferences(double[][] a, double[][] b) {
        int n = a[0].length;
        double[] d = new double[n];
        for (int u = 0; u < n; u++) d[u] = columnMean(a, u) - columnMean(b, u);
        return d;
    }

    /**
     * Percentile bootstrap of mean(a) - mean(b) (or of mean(a) when b is null). Each resample draws n unit indices,
     * shared by both arms so the pairing survives, and then, in each arm with several replicates, that many replicate
     * indices, so disagreement between seeds widens the interval as it should.
     */
    private static double[] bootstrap(double[][] a, double[][] b, double level, int resamples, long seed) {
        Random rng = new Random(seed);
        int n = a[0].length;
        int[] unitCount = new int[n];
        int[] repA = new int[a.length];
        int[] repB = b == null ? null : new int[b.length];
        double[] stats = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            java.util.Arrays.fill(unitCount, 0);
            for (int i = 0; i < n; i++) unitCount[rng.nextInt(n)]++;
            double stat = resampledMean(a, unitCount, repA, rng);
            if (b != null) stat -= resampledMean(b, unitCount, repB, rng);
            stats[r] = stat;
        }
        // R-7 (linear interpolation between order statistics), the default of R and NumPy.
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        percentile.setData(stats);
        double tail = (1 - level) / 2;
        return new double[] {percentile.evaluate(100 * tail), percentile.evaluate(100 * (1 - tail))};
    }

    /** Mean of one arm under the drawn unit counts and freshly drawn replicate counts (weights instead of copies). */
    private static double resampledMean(double[][] arm, int[] unitCount, int[] repCount, Random rng) {
        int reps = arm.length;
        int n = unitCount.length;
        if (reps == 1) {
            repCount[0] = 1;
        } else {
            java.util.Arrays.fill(repCount, 0);
            for (int i = 0; i < reps; i++) repCount[rng.nextInt(reps)]++;
        }
        double total = 0;
        for (int r = 0; r < reps; r++) {
            if (repCount[r] == 0) continue;
            double[] row = arm[r];
            double rowSum = 0;
            for (int u = 0; u < n; u++) {
                if (unitCount[u] != 0) rowSum += unitCount[u] * row[u];
            }
            total += repCount[r] * rowSum;
        }
        return total / ((double) reps * n);
    }

    private static Verdict decide(String id, String claim, double effect, double[] interval, double p, int n,
                                  int replicates, double margin, double level) {
        double lo = interval[0];
        double hi = interval[1];
        double alpha = 1 - level;
        String iv = "the " + percent(level) + " interval [" + num(lo) + ", " + num(hi) + "]";
        Outcome outcome;
        String reason;
        // Accuracy differences are multiples of 1 / (units x replicates), and a margin can be one of them exactly: a
        // bound within rounding error of 0 or of the margin is judged as lying on it, never across it.
        double eps = 1e-9 * Math.max(1, Math.abs(margin));
        if (lo > eps && p < alpha) {
            outcome = Outcome.SUPPORTED;
            reason = iv + " lies above 0 and p = " + num(p) + " < " + num(alpha);
        } else if (hi < margin - eps) {
            outcome = Outcome.NOT_SUPPORTED;
            reason = hi < 0 ? iv + " lies below 0: the difference goes the other way"
                    : iv + " lies below " + num(margin) + ", the smallest effect worth reporting";
        } else {
            outcome = Outcome.INCONCLUSIVE;
            if (lo > 0) {
                reason = iv + " lies above 0, but p = " + num(p) + " is not below " + num(alpha);
            } else {
                reason = iv + " includes 0" + (margin > 0 ? " and reaches " + num(margin) + ", the smallest effect worth reporting" : "");
            }
        }
        return new Verdict(id, claim, outcome, effect, interval, p, n, replicates, reason);
    }

    /** Checks an arm's shape and values; returns its unit count. {@code units} &lt; 0: any count (the first arm). */
    private static int checkArm(String name, double[][] arm, int units) {
        if (arm == null) throw new IllegalArgumentException("arm " + name + " is null");
        if (arm.length == 0) throw new IllegalArgumentException("arm " + name + " has no replicates");
        int n = -1;
        for (int r = 0; r < arm.length; r++) {
            if (arm[r] == null) throw new IllegalArgumentException("arm " + name + ": replicate " + r + " is null");
            if (n < 0) n = arm[r].length;
            if (arm[r].length != n) {
                throw new IllegalArgumentException("arm " + name + ": replicate " + r + " has " + arm[r].length
                        + " units, replicate 0 has " + n);
            }
            for (int u = 0; u < n; u++) {
                if (!Double.isFinite(arm[r][u])) {
                    throw new IllegalArgumentException(name + "[" + r + "][" + u + "] is " + arm[r][u]);
                }
            }
        }
        if (units >= 0 && n != units) {
            throw new IllegalArgumentException("arm " + name + " has " + n + " units, the other arm " + units
                    + "; units must be paired");
        }
        return n;
    }

    private static double mean(double[][] arm) {
        double total = 0;
        long count = 0;
        for (double[] row : arm) {
            for (double v : row) total += v;
            count += row.length;
        }
        return total / count;
    }

    private static double columnMean(double[][] arm, int u) {
        double total = 0;
        for (double[] row : arm) total += row[u];
        return total / arm.length;
    }

    private static double sum(double[] d) {
        double t = 0;
        for (double v : d) t += v;
        return t;
    }

    /** Sign patterns whose sum equals the observed one up to rounding count as ties (at least as extreme). */
    private static double tieTolerance(double[] d) {
        double t = 0;
        for (double v : d) t += Math.abs(v);
        return 1e-10 * t;
    }

    /** 3 significant digits, plain notation unless tiny or huge; locale-independent. */
    static String num(double x) {
        if (x == 0) return "0";
        BigDecimal v = new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros();
        double m = Math.abs(x);
        return m >= 1e-4 && m < 1e7 ? v.toPlainString() : v.toString();
    }

    private static String percent(double level) {
        return new BigDecimal(Double.toString(level * 100)).round(new MathContext(6)).stripTrailingZeros().toPlainString() + "%";
    }
}
