package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.attribution.store.RecordLog;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

/**
 * The convergence check of a LiSSA recursion ({@link Lissa.Trace#relativeChange()}, {@link LissaConvergence}): on
 * synthetic traces, and on a small head-only problem whose exact inverse-HVP is known, where a recursion run long
 * enough is found converged and one stopped far too early is not.
 */
class LissaConvergenceTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;

    /** {@code |v_j| = a (1 - r^j)}, j = 0..steps: a recursion approaching its fixed point at rate r. */
    private static Lissa.Trace geometric(double a, double r, int steps) {
        double[] n = new double[steps + 1];
        for (int j = 0; j <= steps; j++) n[j] = a * (1 - Math.pow(r, j));
        return new Lissa.Trace(0, n, 1e9, false);
    }

    @Test
    void aGeometricTraceThatHasSettledConverges() {
        Lissa.Trace t = geometric(10, 0.9, 200);
        assertEquals(20, t.window());
        double expected = (Math.pow(0.9, 180) - Math.pow(0.9, 200)) / (1 - Math.pow(0.9, 200));
        assertEquals(expected, t.relativeChange(), 1e-12);
        assertTrue(t.relativeChange() < 1e-8);
        assertTrue(t.converged(0.01));
    }

    @Test
    void aTraceStillGrowingDoesNotConverge() {
        // Rate 0.99 (damping 0.01 with a flat spectrum) stopped after 100 steps: |v| is at 63% of its limit.
        Lissa.Trace t = geometric(10, 0.99, 100);
        assertEquals(10, t.window());
        double expected = (Math.pow(0.99, 90) - Math.pow(0.99, 100)) / (1 - Math.pow(0.99, 100));
        assertEquals(expected, t.relativeChange(), 1e-12);
        assertEquals(0.0611, t.relativeChange(), 1e-4);
        assertFalse(t.converged(0.01));
        assertTrue(t.converged(0.1), "a loose enough tolerance accepts it");
        // The same recursion run 10x longer has settled.
        assertTrue(geometric(10, 0.99, 1000).converged(0.01));
    }

    @Test
    void aDivergedTraceNeverConverges() {
        double[] growing = {1, 1.5, 2.25, 3.375, 5.0625, 7.59375};
        Lissa.Trace t = new Lissa.Trace(0, growing, 6, true);
        assertEquals((7.59375 - 3.375) / 7.59375, t.relativeChange(), 1e-15);
        assertFalse(t.converged(0.01));
        assertFalse(t.converged(1e9), "diverged whatever the tolerance");
        // A flat trace flagged diverged (e.g. a norm that was not finite at the last step) is not converged either.
        assertFalse(new Lissa.Trace(0, new double[] {1, 1, 1, 1}, 2, true).converged(0.01));
        Lissa.Trace nan = new Lissa.Trace(0, new double[] {1, 2, Double.NaN}, 10, true);
        assertTrue(Double.isNaN(nan.relativeChange()));
        assertFalse(nan.converged(0.01));
    }

    @Test
    void theWindowIsTenPercentOfTheStepsAndAtLeastTwo() {
        assertEquals(1, geometric(1, 0.5, 1).window());
        assertEquals(2, geometric(1, 0.5, 2).window());
        assertEquals(2, geometric(1, 0.5, 5).window());
        assertEquals(2, geometric(1, 0.5, 20).window());
        assertEquals(3, geometric(1, 0.5, 21).window());
        assertEquals(10, geometric(1, 0.5, 100).window());
        assertEquals(11, geometric(1, 0.5, 101).window());
        // A zero gradient keeps v at 0: nothing changes, which counts as converged; no step at all does not.
        assertEquals(0, new Lissa.Trace(0, new double[] {0, 0, 0}, 0, false).relativeChange());
        assertTrue(new Lissa.Trace(0, new double[] {0, 0, 0}, 0, false).converged(0.01));
        assertFalse(new Lissa.Trace(0, new double[] {1}, 10, false).converged(0.01));
    }

    @Test
    void theSummaryCountsAndTakesMaxAndMedianOfTheRecursionsThatDidNotDiverge() {
        Lissa.Trace settled = geometric(10, 0.9, 200), growing = geometric(10, 0.99, 100), slower = geometric(10, 0.99, 500);
        Lissa.Trace diverged = new Lissa.Trace(0, new double[] {1, 100, 1e4}, 50, true);
        LissaConvergence c = LissaConvergence.of(List.of(settled, growing, slower, diverged), 0.01);
        assertEquals(4, c.recursions());
        assertEquals(2, c.converged(), "the settled one and the 500-step one (change " + slower.relativeChange() + ")");
        assertEquals(1, c.diverged());
        assertEquals(2, c.notConverged());
        assertFalse(c.allConverged());
        assertEquals(growing.relativeChange(), c.maxRelativeChange(), 0);
        assertEquals(slower.relativeChange(), c.medianRelativeChange(), 0);
        assertEquals("2 of 4 LiSSA recursions did not converge (1 diverged; |v| still changed by up to 6.10% over the last 10% of the steps;"
                + " tolerance 1.00%)", c.problem());

        LissaConvergence all = LissaConvergence.of(List.of(settled, slower), 0.01);
        assertTrue(all.allConverged());
        assertEquals("", all.problem());
        assertEquals((settled.relativeChange() + slower.relativeChange()) / 2, all.medianRelativeChange(), 1e-18);
        assertTrue(Double.isNaN(LissaConvergence.of(List.of(diverged), 0.01).maxRelativeChange()));
    }

    // ---------------------------------------------------------------- on a problem with a known Hessian

    private final RandomHead head = new RandomHead(3, 4, 12, 11);
    private final int[] train = IntStream.range(0, 9).toArray(), test = {9, 10, 11};
    private final ParameterSubset params = ParameterSubset.select(head.parameters(REF), ParameterSelector.classificationHead());
    private final HeadOnlyLoss loss = new HeadOnlyLoss(params.tensors().get(0), head.hidden, head.labels);
    private final Derivatives d = new Derivatives(loss, params);

    /** (H + λ I)^-1 g with H the mean training Hessian: the closed-form HVP of RandomHead, solved by CG. */
    private double[] exact(double[] g, double lambda) {
        return ConjugateGradient.solve(v -> {
            double[] hv = head.hvp(train, v);
            for (int i = 0; i < hv.length; i++) hv[i] += lambda * v[i];
            return hv;
        }, g, 1e-13, 200);
    }

    private static double relativeError(double[] got, double[] want) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            num += (got[i] - want[i]) * (got[i] - want[i]);
            den += want[i] * want[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void aRecursionRunLongEnoughConvergesAndOneStoppedEarlyIsFlagged() {
        // Preset-style: damping 0.05 (BLOOM's), a scale above the spectrum, the depth from a factor (full batches,
        // so 1 batch per epoch and 400 steps).
        LissaConfig deep = LissaConfig.paper(0.05, 400, 10, train.length);
        assertEquals(400, deep.depth(train.length));
        LissaConfig early = deep.withFixedDepth(10);
        for (int t : test) {
            Tensor g = d.gradient(t);
            double[] want = exact(g.toDoubleArray(), deep.lambda());
            Lissa.Result done = Lissa.inverseHvp(d, train, g, deep), stopped = Lissa.inverseHvp(d, train, g, early);
            Lissa.Trace doneTrace = done.traces().get(0), stoppedTrace = stopped.traces().get(0);

            assertTrue(doneTrace.relativeChange() < 1e-6, "test " + t + ": change " + doneTrace.relativeChange());
            assertTrue(doneTrace.converged(LissaConfig.DEFAULT_TOLERANCE));
            assertTrue(relativeError(done.ihvp().toDoubleArray(), want) < 1e-6, "and the converged ihvp is the exact one");

            // After 10 steps at most 1 - 0.95^10 = 40% of the way: |v| is still growing, and the check says so.
            assertTrue(stoppedTrace.relativeChange() > 0.05, "test " + t + ": change " + stoppedTrace.relativeChange());
            assertFalse(stoppedTrace.converged(LissaConfig.DEFAULT_TOLERANCE));
            assertFalse(stoppedTrace.diverged());
            assertTrue(relativeError(stopped.ihvp().toDoubleArray(), want) > 0.3, "and its ihvp is far from the exact one");
        }
    }

    @Test
    void miniBatchRecursionsConvergeAboveTheirNoiseFloor() {
        // Batches of 3 (3 per epoch), depth factor 150: 450 noisy steps; |v| settles to within mini-batch noise.
        LissaConfig cfg = LissaConfig.paper(0.05, 150, 10, 3);
        for (int t : test) {
            Lissa.Trace tr = Lissa.inverseHvp(d, train, d.gradient(t), cfg).traces().get(0);
            assertEquals(450, tr.steps());
            assertTrue(tr.converged(LissaConfig.DEFAULT_TOLERANCE), "test " + t + ": change " + tr.relativeChange());
        }
    }

    @Test
    void theTraceFileRecordsTheCheckAndTheRunSummaryIsRecomputedFromIt(@TempDir Path dir) {
        InstanceAttribution ia = new InstanceAttribution(params, loss, train, loss, test);
        ia.run(dir.resolve("early"), InstanceAttribution.Options.influence(LissaConfig.paper(0.05, 400, 10, train.length).withFixedDepth(10), Map.of())
                .quietly());
        ia.run(dir.resolve("deep"), InstanceAttribution.Options.influence(LissaConfig.paper(0.05, 400, 10, train.length), Map.of()).quietly());

        List<Map<String, Object>> early = RecordLog.readAll(dir.resolve("early").resolve(InstanceAttribution.LISSA_TRACE));
        assertEquals(3, early.size());
        for (Map<String, Object> r : early) {
            assertEquals(Boolean.FALSE, r.get("converged"));
            double change = ((Number) r.get("relative_change")).doubleValue();
            List<?> norms = (List<?>) r.get("norms");
            double last = ((Number) norms.get(10)).doubleValue(), before = ((Number) norms.get(8)).doubleValue();
            assertEquals(Math.abs(last - before) / last, change, 1e-12, "window of 2 steps at depth 10");
        }
        LissaConvergence e = InstanceAttribution.convergence(dir.resolve("early"), LissaConfig.DEFAULT_TOLERANCE);
        assertEquals(3, e.recursions());
        assertEquals(0, e.converged());
        assertEquals(0, e.diverged());
        // The tolerance is applied when reading: a loose one accepts the same traces.
        assertEquals(3, InstanceAttribution.convergence(dir.resolve("early"), 10).converged());

        assertTrue(RecordLog.readAll(dir.resolve("deep").resolve(InstanceAttribution.LISSA_TRACE)).stream().allMatch(r -> Boolean.TRUE.equals(r.get("converged"))));
        LissaConvergence deep = InstanceAttribution.convergence(dir.resolve("deep"), LissaConfig.DEFAULT_TOLERANCE);
        assertTrue(deep.allConverged());
        assertTrue(deep.maxRelativeChange() < 1e-6, "max change " + deep.maxRelativeChange());

        assertThrows(IllegalStateException.class, () -> InstanceAttribution.convergence(dir.resolve("none"), 0.01));
    }

    @Test
    void aDepthFactorThatGivesNoStepIsRefused() {
        // ceil(9 / 4) * 0.2 = 0.6 -> 0 steps.
        LissaConfig cfg = LissaConfig.paper(0.05, 0.2, 10, 4);
        assertEquals(0, cfg.depth(train.length));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lissa.inverseHvp(d, train, d.gradient(9), cfg));
        assertTrue(e.getMessage().contains("gives no recursion step"), e.getMessage());
    }
}
