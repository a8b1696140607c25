package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.attribution.store.RecordLog;
import reveal.attribution.store.RowMatrix;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

/** LiSSA against an exact (H + λI)^-1 g by conjugate gradient, its traces, divergence and batch orders. */
class LissaTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;
    private final RandomHead head = new RandomHead(3, 4, 12, 11);
    private final int[] train = IntStream.range(0, 9).toArray();
    private final int[] test = {9, 10, 11};
    private final ParameterSubset params = ParameterSubset.select(head.parameters(REF), ParameterSelector.classificationHead());
    private final HeadOnlyLoss loss = new HeadOnlyLoss(params.tensors().get(0), head.hidden, head.labels);
    private final Derivatives d = new Derivatives(loss, params);

    /** (H + λ I)^-1 g with H the Hessian of the mean training loss, by CG on double-backward HVPs. */
    private double[] exact(double[] g, double lambda) {
        return ConjugateGradient.solve(v -> {
            double[] hv = d.hessianVectorProduct(train, Tensor.of(REF, v, v.length)).toDoubleArray();
            for (int i = 0; i < hv.length; i++) hv[i] += lambda * v[i];
            return hv;
        }, g, 1e-13, 200);
    }

    @Test
    void fullBatchLissaReachesTheDampedInverseHvp() {
        LissaConfig cfg = LissaConfig.paper(0.1, 1, 10, train.length).withFixedDepth(400);
        for (int t : test) {
            Tensor g = d.gradient(t);
            Lissa.Result r = Lissa.inverseHvp(d, train, g, cfg);
            double[] want = exact(g.toDoubleArray(), cfg.lambda());
            ClosedFormTest.assertClose(want, r.ihvp().toDoubleArray(), 1e-10, "ihvp of test " + t);
            Lissa.Trace tr = r.traces().get(0);
            assertFalse(tr.diverged());
            assertEquals(400, tr.steps());
            assertEquals(Math.sqrt(RandomHead.dot(g.toDoubleArray(), g.toDoubleArray())), tr.norms()[0], 1e-12);
            // v_J = scale * ihvp at the fixed point.
            assertEquals(cfg.scale() * Math.sqrt(RandomHead.dot(want, want)), tr.norms()[400], 1e-9);
        }
    }

    @Test
    void shuffledMiniBatchesAveragedOverRepeatsApproachTheFixedPoint() {
        LissaConfig cfg = LissaConfig.paper(0.1, 60, 10, 3).withRepeats(8);
        assertEquals(180, cfg.depth(train.length));
        Tensor g = d.gradient(10);
        double[] want = exact(g.toDoubleArray(), cfg.lambda());
        Lissa.Result r = Lissa.inverseHvp(d, train, g, cfg);
        assertEquals(8, r.traces().size());
        double[] got = r.ihvp().toDoubleArray(), diff = new double[got.length];
        for (int i = 0; i < got.length; i++) diff[i] = got[i] - want[i];
        double rel = Math.sqrt(RandomHead.dot(diff, diff) / RandomHead.dot(want, want));
        assertTrue(rel < 0.01, "mini-batch LiSSA is " + rel + " (relative) from the exact solution");
        assertTrue(rel > 1e-8, "mini-batches should add noise, got " + rel);
    }

    @Test
    void divergenceIsFlaggedWhenScaleIsBelowTheHessianSpectrum() {
        LissaConfig cfg = LissaConfig.paper(0.01, 1, 0.01, train.length).withFixedDepth(500);
        Lissa.Result r = Lissa.inverseHvp(d, train, d.gradient(9), cfg);
        Lissa.Trace tr = r.traces().get(0);
        assertTrue(r.diverged());
        assertTrue(tr.steps() < 500, "stops at the first step beyond the bound, ran " + tr.steps());
        assertTrue(tr.norms()[tr.steps()] > tr.bound());
        assertEquals(10 * tr.norms()[0] / 0.01, tr.bound(), 1e-9 * tr.bound());
    }

    @Test
    void influenceRunScoresEveryTrainingInstanceAgainstTheInverseHvps(@TempDir Path dir) throws Exception {
        LissaConfig cfg = LissaConfig.paper(0.1, 1, 10, train.length).withFixedDepth(400);
        InstanceAttribution ia = new InstanceAttribution(params, loss, train, loss, test);
        InstanceAttribution.Options opts = InstanceAttribution.Options.influence(cfg, Map.of()).quietly();
        double[][] paper = RowMatrix.load(ia.run(dir.resolve("a"), opts).get(InstanceAttribution.Method.INFLUENCE)).testMajor();
        double[][] kohLiang = RowMatrix.load(ia.run(dir.resolve("b"), opts.withSign(InstanceAttribution.Sign.KOH_LIANG))
                .get(InstanceAttribution.Method.INFLUENCE)).testMajor();
        for (int t = 0; t < test.length; t++) {
            double[] ihvp = exact(d.gradient(test[t]).toDoubleArray(), cfg.lambda());
            for (int z = 0; z < train.length; z++) {
                double want = RandomHead.dot(ihvp, d.gradient(train[z]).toDoubleArray());
                assertEquals(want, paper[t][z], 1e-6 * Math.max(1, Math.abs(want)), "influence t" + t + " z" + z);
                assertEquals(-paper[t][z], kohLiang[t][z], 0.0);
            }
        }
        List<Map<String, Object>> traces = RecordLog.readAll(dir.resolve("a").resolve(InstanceAttribution.LISSA_TRACE));
        assertEquals(test.length, traces.size());
        assertEquals(401, ((List<?>) traces.get(2).get("norms")).size());
        assertEquals((long) test[2], traces.get(2).get("test_id"));
    }

    @Test
    void aDivergingRunStopsWithADiagnosisAndKeepsTheTrace(@TempDir Path dir) {
        LissaConfig cfg = LissaConfig.paper(0.01, 1, 0.01, train.length).withFixedDepth(500);
        InstanceAttribution ia = new InstanceAttribution(params, loss, train, loss, test);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ia.run(dir, InstanceAttribution.Options.influence(cfg, Map.of()).quietly()));
        assertTrue(e.getMessage().contains("LiSSA diverged for test instance 9"), e.getMessage());
        assertTrue(e.getMessage().contains("raise scale (now 0.01"), e.getMessage());
        assertTrue(Files.exists(dir.resolve(InstanceAttribution.LISSA_TRACE)));
        assertEquals(Boolean.TRUE, RecordLog.readAll(dir.resolve(InstanceAttribution.LISSA_TRACE)).get(0).get("diverged"));
    }

    @Test
    void depthFollowsThePaperFormula() {
        assertEquals(375, LissaConfig.paper(0.03, 0.3, 1e5, 8).depth(10_000));
        assertEquals(1, LissaConfig.paper(0.03, 0.5, 1e5, 4).depth(10));
        assertEquals(40, LissaConfig.paper(0.01, 0.3, 0.5, 4).withFixedDepth(40).depth(10_000));
    }

    @Test
    void cyclicOrderWrapsAroundTheTrainingSet() {
        BatchSchedule s = BatchSchedule.of(LissaConfig.paper(0.1, 1, 1, 2).withOrder(LissaConfig.BatchOrder.CYCLIC), new int[] {10, 11, 12, 13, 14}, 0);
        assertArrayEquals(new int[] {10, 11}, s.next());
        assertArrayEquals(new int[] {12, 13}, s.next());
        assertArrayEquals(new int[] {14, 10}, s.next());
        assertArrayEquals(new int[] {11, 12}, s.next());
    }

    @Test
    void shuffledOrderCoversEveryInstanceOncePerEpochAndDependsOnTheSeed() {
        int[] ids = {10, 11, 12, 13, 14};
        LissaConfig cfg = LissaConfig.paper(0.1, 1, 1, 2);
        BatchSchedule s = BatchSchedule.of(cfg, ids, 0);
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<Integer> seen = new HashSet<>();
            int[] sizes = new int[3];
            for (int b = 0; b < 3; b++) {
                int[] batch = s.next();
                sizes[b] = batch.length;
                for (int id : batch) assertTrue(seen.add(id), "id " + id + " twice in epoch " + epoch);
            }
            assertArrayEquals(new int[] {2, 2, 1}, sizes);
            assertEquals(Set.of(10, 11, 12, 13, 14), seen);
        }
        assertArrayEquals(BatchSchedule.of(cfg, ids, 0).next(), BatchSchedule.of(cfg, ids, 0).next());
        boolean differs = false;
        for (int r = 1; r < 6 && !differs; r++) differs = !java.util.Arrays.equals(BatchSchedule.of(cfg, ids, 0).next(), BatchSchedule.of(cfg, ids, r).next());
        assertTrue(differs, "repeats must draw other batch orders");
    }
}
