package reveal.eval.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/** Checks the verdict machinery against oracles it does not share code with: closed forms, hand enumeration, simulation. */
class ComparisonsTest {

    private static final double Z975 = new NormalDistribution().inverseCumulativeProbability(0.975);

    private static double[] normal(Random rng, int n, double mean, double sd) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = mean + sd * rng.nextGaussian();
        return x;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    private static double sd(double[] x) {
        double m = mean(x);
        double ss = 0;
        for (double v : x) ss += (v - m) * (v - m);
        return Math.sqrt(ss / (x.length - 1));
    }

    // ---- intervals

    /**
     * With many normal values the bootstrap distribution of the mean is normal with sd s/sqrt(n), so the percentile
     * interval must match mean +- z s/sqrt(n). Tolerance 10% of the half-width: the Monte Carlo error of a 2.5%
     * quantile from 4000 resamples is about 2% of the half-width, so this leaves about 4.5 standard errors.
     */
    @Test
    void bootstrapIntervalOfAMeanMatchesTheClosedForm() {
        double[] x = normal(new Random(1), 10_000, 2.0, 3.0);
        double[] ci = Comparisons.meanInterval(x, 0.95, 4000, 42);
        double half = Z975 * sd(x) / Math.sqrt(x.length);
        assertEquals(mean(x) - half, ci[0], 0.1 * half, "lower end");
        assertEquals(mean(x) + half, ci[1], 0.1 * half, "upper end");
    }

    /**
     * Paired arms: b = a + small noise, so the differences have sd 0.2 while each arm has sd 3. Only a bootstrap
     * that draws the same unit indices for both arms gets the closed form of the paired differences; an unpaired
     * one would be about 20 times wider.
     */
    @Test
    void greaterResamplesUnitsPairedAcrossArms() {
        Random rng = new Random(2);
        int n = 5000;
        double[] a = normal(rng, n, 0, 3);
        double[] b = new double[n];
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = a[i] - 0.1 + 0.2 * rng.nextGaussian();
            d[i] = a[i] - b[i];
        }
        Verdict v = Comparisons.greater("paired", "a > b", new double[][] {a}, new double[][] {b}, 0, TestSettings.defaults());
        double half = Z975 * sd(d) / Math.sqrt(n);
        assertEquals(mean(d), v.effect(), 1e-9);
        assertEquals(mean(d) - half, v.interval()[0], 0.1 * half);
        assertEquals(mean(d) + half, v.interval()[1], 0.1 * half);
        assertEquals(Outcome.SUPPORTED, v.verdict());
    }

    /**
     * Over 400 seeded samples of 30 normal values, the 95% interval must cover the true mean in 90-99% of them (the
     * percentile bootstrap undercovers a little at n = 30, about 93-94%; 400 samples give a binomial sd of 1.2%).
     */
    @Test
    void meanIntervalCoversTheTrueMeanAtAboutTheStatedRate() {
        Random rng = new Random(3);
        int samples = 400;
        int covered = 0;
        for (int k = 0; k < samples; k++) {
            double[] x = normal(rng, 30, 1.0, 2.0);
            double[] ci = Comparisons.meanInterval(x, 0.95, 1000, k);
            if (ci[0] <= 1.0 && 1.0 <= ci[1]) covered++;
        }
        double rate = covered / (double) samples;
        System.out.printf("meanInterval coverage: %.3f over %d samples%n", rate, samples);
        assertTrue(rate >= 0.90 && rate <= 0.99, "coverage " + rate);
    }

    // ---- p-values

    /**
     * Differences {3, 1, 2, -1}, observed sum 5. Flipping signs of magnitudes {3, 1, 2, 1} (total 7) gives
     * 7 - 2F, F the sum of the negated magnitudes; 7 - 2F >= 5 iff F <= 1: nothing negated, or one of the two 1s.
     * That is 3 of the 16 patterns, p = 3/16.
     */
    @Test
    void exactSignFlipPValueEqualsTheHandEnumeration() {
        TestSettings s = TestSettings.defaults();
        Verdict v = Comparisons.positive("hand", "mean > 0", new double[][] {{3, 1, 2, -1}}, 0, s);
        assertEquals(3.0 / 16, v.p(), 0);
        // The same differences as replicate means ({4,2}->3, {1,1}->1, {2,2}->2, {0,-2}->-1) against a zero arm.
        Verdict r = Comparisons.greater("hand2", "a > b", new double[][] {{4, 1, 2, 0}, {2, 1, 2, -2}},
                new double[][] {{0, 0, 0, 0}}, 0, s);
        assertEquals(3.0 / 16, r.p(), 0);
        assertEquals(2, r.replicates());
        // All five differences positive: only the identity pattern reaches the observed sum, p = 1/32.
        assertEquals(1.0 / 32, Comparisons.positive("all", "c", new double[][] {{1, 2, 3, 4, 5}}, 0, s).p(), 0);
        // Ties: {1, 1, -1}, observed 1; 3 - 2F >= 1 iff at most one of three is negated: 1 + 3 = 4 of 8 patterns.
        assertEquals(0.5, Comparisons.positive("ties", "c", new double[][] {{1, 1, -1}}, 0, s).p(), 0);
    }

    /** Monte Carlo and exact p agree within 4 binomial standard errors (plus the +1 correction). */
    @Test
    void monteCarloPAgreesWithExactEnumeration() {
        double[] d = normal(new Random(4), 16, 0.1, 1.0);
        double exact = Comparisons.signFlipExact(d);
        double mc = Comparisons.signFlipMonteCarlo(d, 10_000, 42);
        System.out.printf("sign flip, 16 units: exact p %.4f, Monte Carlo p %.4f%n", exact, mc);
        assertTrue(exact > 0.01 && exact < 0.5, "the case should have a p-value away from the edges, got " + exact);
        assertEquals(exact, mc, 4 * Math.sqrt(exact * (1 - exact) / 10_000) + 2.0 / 10_001);

        // Through the public path: 22 units take the Monte Carlo branch; compare with enumerating all 2^22 patterns.
        Random rng = new Random(5);
        double[][] a = {normal(rng, 22, 0.3, 1.0)};
        double[][] b = {normal(rng, 22, 0.0, 0.5)};
        Verdict v = Comparisons.greater("mc", "a > b", a, b, 0, TestSettings.defaults());
        double exact22 = Comparisons.signFlipExact(Comparisons.unitDifferences(a, b));
        System.out.printf("sign flip, 22 units: exact p %.4f, greater's Monte Carlo p %.4f%n", exact22, v.p());
        assertEquals(exact22, v.p(), 4 * Math.sqrt(exact22 * (1 - exact22) / 10_000) + 2.0 / 10_001);
    }

    /**
     * Under the null (both arms from one distribution) p is uniform: the fraction below 0.05 must lie in
     * [0.02, 0.09], for the exact (12 units) and the Monte Carlo (40 units) branch, and a claim is supported about
     * as rarely.
     */
    @Test
    void pIsRoughlyUniformUnderTheNull() {
        Random rng = new Random(6);
        for (int units : new int[] {12, 40}) {
            int sims = units == 12 ? 1000 : 400;
            int below = 0;
            int belowHalf = 0;
            int supported = 0;
            for (int k = 0; k < sims; k++) {
                double[][] a = {normal(rng, units, 0, 1)};
                double[][] b = {normal(rng, units, 0, 1)};
                Verdict v = Comparisons.greater("null", "a > b", a, b, 0, new TestSettings(0.95, 50, 1000, k));
                if (v.p() < 0.05) below++;
                if (v.p() < 0.5) belowHalf++;
                if (v.verdict() == Outcome.SUPPORTED) supported++;
            }
            double f = below / (double) sims;
            double h = belowHalf / (double) sims;
            double sup = supported / (double) sims;
            System.out.printf("null, %d units: P(p<0.05) = %.3f, P(p<0.5) = %.3f, supported %.3f%n", units, f, h, sup);
            assertTrue(f >= 0.02 && f <= 0.09, units + " units: fraction below 0.05 = " + f);
            assertTrue(h >= 0.42 && h <= 0.58, units + " units: fraction below 0.5 = " + h);
            assertTrue(sup <= 0.09, units + " units: supported under the null in " + sup);
        }
    }

    // ---- verdicts

    @Test
    void verdictRules() {
        TestSettings s = TestSettings.defaults();
        Random rng = new Random(8);
        double[] base = normal(rng, 50, 0.6, 0.2);

        double[] up = base.clone();
        for (int i = 0; i < up.length; i++) up[i] += 0.5 + 0.1 * rng.nextGaussian();
        Verdict clear = Comparisons.greater("clear", "a > b", new double[][] {up}, new double[][] {base}, 0.01, s);
        assertEquals(Outcome.SUPPORTED, clear.verdict(), clear.reason());
        assertTrue(clear.reason().contains("lies above 0"), clear.reason());

        double[] down = base.clone();
        for (int i = 0; i < down.length; i++) down[i] -= 0.5 + 0.1 * rng.nextGaussian();
        Verdict reversed = Comparisons.greater("rev", "a > b", new double[][] {down}, new double[][] {base}, 0.01, s);
        assertEquals(Outcome.NOT_SUPPORTED, reversed.verdict(), reversed.reason());
        assertTrue(reversed.reason().contains("other way"), reversed.reason());

        double[] same = base.clone();
        for (int i = 0; i < same.length; i++) same[i] += 0.001 * rng.nextGaussian();
        Verdict zero = Comparisons.greater("zero", "a > b", new double[][] {same}, new double[][] {base}, 0.05, s);
        assertEquals(Outcome.NOT_SUPPORTED, zero.verdict(), zero.reason());
        assertTrue(zero.reason().contains("smallest effect worth reporting"), zero.reason());
        // Without a margin, a zero effect cannot be refuted, only left open.
        Verdict zeroNoMargin = Comparisons.greater("zero0", "a > b", new double[][] {same}, new double[][] {base}, 0, s);
        assertEquals(Outcome.INCONCLUSIVE, zeroNoMargin.verdict(), zeroNoMargin.reason());

        double[] noisy = base.clone();
        for (int i = 0; i < noisy.length; i++) noisy[i] += 0.05 + rng.nextGaussian();
        Verdict vague = Comparisons.greater("noisy", "a > b", new double[][] {noisy}, new double[][] {base}, 0.1, s);
        assertEquals(Outcome.INCONCLUSIVE, vague.verdict(), vague.reason());
        assertTrue(vague.reason().contains("includes 0"), vague.reason());

        // Three units with a large effect: the exact p cannot go below 1/8, so the claim stays open.
        Verdict tiny = Comparisons.positive("tiny", "mean > 0", new double[][] {{1.0, 1.2, 0.9}}, 0.1, s);
        assertEquals(Outcome.INCONCLUSIVE, tiny.verdict(), tiny.reason());
        assertEquals(0.125, tiny.p(), 0);
        assertTrue(tiny.reason().contains("p = 0.125 is not below 0.05"), tiny.reason());

        Verdict one = Comparisons.positive("one", "mean > 0", new double[][] {{5.0}}, 0.1, s);
        assertEquals(Outcome.INCONCLUSIVE, one.verdict());
        assertEquals(5.0, one.effect(), 0);
        assertNull(one.interval());
        assertTrue(Double.isNaN(one.p()));
        assertTrue(one.reason().contains("only 1 test instance"), one.reason());
    }

    /**
     * Five training seeds whose per-seed means disagree (offsets with sd 0.3) versus five that agree (every row the
     * same per-unit means): identical effect and p, but the interval must widen with the disagreement, and b may have
     * a single row.
     */
    @Test
    void replicateResamplingWidensTheIntervalWhenReplicatesDisagree() {
        Random rng = new Random(9);
        int n = 200;
        int seeds = 5;
        double[] unit = normal(rng, n, 0.2, 0.5);
        double[][] disagree = new double[seeds][n];
        double[] offsets = normal(rng, seeds, 0, 0.3);
        double meanOffset = mean(offsets);
        for (int r = 0; r < seeds; r++) {
            for (int u = 0; u < n; u++) disagree[r][u] = unit[u] + offsets[r] - meanOffset;
        }
        double[][] agree = new double[seeds][];
        for (int r = 0; r < seeds; r++) agree[r] = unit.clone();
        double[][] b = {new double[n]};
        TestSettings s = TestSettings.defaults();
        Verdict wide = Comparisons.greater("w", "a > b", disagree, b, 0, s);
        Verdict narrow = Comparisons.greater("n", "a > b", agree, b, 0, s);
        assertEquals(narrow.effect(), wide.effect(), 1e-12);
        assertEquals(narrow.p(), wide.p(), 1e-12);
        assertEquals(5, wide.replicates());
        double ww = wide.interval()[1] - wide.interval()[0];
        double nw = narrow.interval()[1] - narrow.interval()[0];
        System.out.printf("interval width: replicates agree %.4f, disagree %.4f%n", nw, ww);
        assertTrue(ww > 2 * nw, "disagreeing replicates: width " + ww + " vs " + nw);
    }

    @Test
    void sameSeedSameVerdictOtherSeedOtherInterval() {
        Random rng = new Random(10);
        double[][] a = {normal(rng, 60, 0.1, 1), normal(rng, 60, 0.1, 1)};
        double[][] b = {normal(rng, 60, 0, 1)};
        Verdict v1 = Comparisons.greater("d", "a > b", a, b, 0, TestSettings.defaults());
        Verdict v2 = Comparisons.greater("d", "a > b", a, b, 0, TestSettings.defaults());
        assertEquals(v1, v2);
        assertArrayEquals(v1.interval(), v2.interval(), 0);
        Verdict v3 = Comparisons.greater("d", "a > b", a, b, 0, new TestSettings(0.95, 4000, 10000, 43));
        assertNotEquals(v1.interval()[0], v3.interval()[0]);
        assertArrayEquals(Comparisons.meanInterval(a[0], 0.9, 500, 1), Comparisons.meanInterval(a[0], 0.9, 500, 1), 0);
    }

    @Test
    void nonFiniteValuesAndBadShapesAreRejectedByName() {
        TestSettings s = TestSettings.defaults();
        double[][] ok = {{1, 2, 3}, {1, 2, 3}};
        double[][] nan = {{1, 2, 3}, {1, 2, Double.NaN}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Comparisons.greater("x", "c", nan, ok, 0, s));
        assertTrue(e.getMessage().contains("a[1][2]"), e.getMessage());
        double[][] inf = {{1, Double.POSITIVE_INFINITY, 3}};
        e = assertThrows(IllegalArgumentException.class, () -> Comparisons.greater("x", "c", ok, inf, 0, s));
        assertTrue(e.getMessage().contains("b[0][1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Comparisons.greater("x", "c", ok, new double[][] {{1, 2}}, 0, s));
        assertThrows(IllegalArgumentException.class, () -> Comparisons.greater("x", "c", new double[][] {{1, 2, 3}, {1, 2}}, ok, 0, s));
        assertThrows(IllegalArgumentException.class, () -> Comparisons.greater("x", "c", ok, ok, Double.NaN, s));
        assertThrows(IllegalArgumentException.class, () -> Comparisons.positive("x", "c", nan, 0, s));
        e = assertThrows(IllegalArgumentException.class, () -> Comparisons.meanInterval(new double[] {1, Double.NaN}, 0.95, 10, 1));
        assertTrue(e.getMessage().contains("values[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TestSettings(1.0, 10, 10, 1));
    }

    @Test
    void jsonHasTheKeysInOrderAndNoNaN() {
        TestSettings s = TestSettings.defaults();
        Verdict v = Comparisons.positive("pos", "mean > 0", new double[][] {{0.5, 0.7, 0.4, 0.6, 0.8, 0.5}}, 0, s);
        Map<String, Object> j = v.toJson();
        assertEquals(List.of("id", "claim", "verdict", "effect", "interval", "p", "units", "replicates", "reason"),
                List.copyOf(j.keySet()));
        assertEquals(v.verdict().label(), j.get("verdict"));
        assertEquals(List.of(v.interval()[0], v.interval()[1]), j.get("interval"));
        assertEquals(6, j.get("units"));
        assertEquals(1.0 / 64, (Double) j.get("p"), 0);

        Map<String, Object> one = Comparisons.positive("one", "c", new double[][] {{1}}, 0, s).toJson();
        assertNull(one.get("interval"));
        assertNull(one.get("p"));
        assertEquals(1.0, one.get("effect"));
        assertEquals("not_supported", Outcome.NOT_SUPPORTED.label());
        assertEquals("supported", Outcome.SUPPORTED.label());
        assertEquals("inconclusive", Outcome.INCONCLUSIVE.label());
        assertEquals(new TestSettings(0.95, 4000, 10000, 42), TestSettings.defaults());
    }
}
