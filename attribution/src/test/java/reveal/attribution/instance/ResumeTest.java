package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.attribution.store.RowMatrix;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

/** An instance-attribution run killed part-way resumes where it stopped and ends with the uninterrupted result. */
class ResumeTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;
    private final RandomHead head = new RandomHead(3, 5, 14, 3);
    private final ParameterSubset params = ParameterSubset.select(head.parameters(REF), ParameterSelector.classificationHead());
    private final int[] train = IntStream.range(0, 10).toArray(), test = {10, 11, 12, 13};
    private final InstanceAttribution.Options options = InstanceAttribution.Options
            .influence(LissaConfig.paper(0.05, 2, 10, 4), Map.of("model", "random head"))
            .with(InstanceAttribution.Method.GRADIENT_DOT, InstanceAttribution.Method.GRADIENT_COSINE).quietly();

    /** Counts loss evaluations and fails at the {@code failAt}-th one, like a run killed mid-way. */
    private final class Crashing implements InstanceLoss {
        final InstanceLoss inner = new HeadOnlyLoss(params.tensors().get(0), head.hidden, head.labels);
        final int failAt;
        int calls;

        Crashing(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public Tensor loss(int[] ids) {
            if (++calls == failAt) throw new IllegalStateException("simulated kill");
            return inner.loss(ids);
        }
    }

    private Map<InstanceAttribution.Method, Path> run(Path dir, Crashing loss) {
        return new InstanceAttribution(params, loss, train, loss, test).run(dir, options);
    }

    @Test
    void interruptedRunsResumeToTheSameScores(@TempDir Path dir) {
        Crashing full = new Crashing(-1);
        Map<InstanceAttribution.Method, Path> reference = run(dir.resolve("full"), full);
        // Loss calls: 4 test gradients (GS), then per test 1 gradient + 2 * ceil(10/4) = 6 LiSSA HVPs, then 10 training gradients.
        assertEquals(4 + 4 * 7 + 10, full.calls);
        // Kill point -> calls the resumed run needs: only the work not yet written is redone.
        Map<Integer, Integer> redo = Map.of(
                3, 42,          // during the test gradients: nothing written yet
                15, 42 - 7,     // during LiSSA of test 1: test 0's inverse-HVP is kept
                36, 4 + 7,      // at training instance 3: LiSSA done, training rows 0-2 kept
                41, 4 + 2);     // at training instance 8, the last but one
        for (Map.Entry<Integer, Integer> kill : redo.entrySet()) {
            int failAt = kill.getKey();
            Path out = dir.resolve("killed-at-" + failAt);
            assertThrows(IllegalStateException.class, () -> run(out, new Crashing(failAt)));
            Crashing resumed = new Crashing(-1);
            Map<InstanceAttribution.Method, Path> got = run(out, resumed);
            assertEquals(kill.getValue(), resumed.calls, "loss calls of the run resumed after a kill at call " + failAt);
            for (InstanceAttribution.Method m : reference.keySet()) {
                double[][] want = RowMatrix.load(reference.get(m)).testMajor(), have = RowMatrix.load(got.get(m)).testMajor();
                for (int t = 0; t < test.length; t++) assertArrayEquals(want[t], have[t], 0.0, m + " test " + t + " after a kill at call " + failAt);
            }
        }
    }

    @Test
    void aCompleteRunIsNotRecomputed(@TempDir Path dir) {
        run(dir, new Crashing(-1));
        Crashing again = new Crashing(-1);
        run(dir, again);
        assertEquals(0, again.calls);
    }

    @Test
    void resumingWithOtherSettingsIsRefused(@TempDir Path dir) {
        run(dir, new Crashing(-1));
        InstanceAttribution ia = new InstanceAttribution(params, new Crashing(-1), train, new Crashing(-1), test);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ia.run(dir, options.withLissa(LissaConfig.paper(0.05, 3, 10, 4))));
        assertTrue(e.getMessage().contains("setting 'lissa' was"), e.getMessage());
        assertTrue(e.getMessage().contains("\"depth_factor\":3.0"), e.getMessage());
    }
}
