package reveal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.optim.AdamW;
import reveal.engine.optim.LinearSchedule;
import reveal.engine.optim.Optimizer;
import reveal.engine.optim.Sgd;

/** Optimizers, the schedule and gradient clipping against hand-computed values. */
class OptimizerTest {
    private static final double B1 = 0.9, B2 = 0.999, EPS = 1e-8, DECAY = 0.1;
    private static final double[] START = {0.5, -1.5, 2.0};
    private static final double[][] GRADS = {{0.1, -0.2, 0.3}, {-0.4, 0.05, 0.2}};
    private static final double[] RATES = {0.01, 0.02};

    static Stream<Backend> allBackends() {
        return Stream.concat(Stream.of(Backends.REFERENCE), Backends.underTest().map(Named::getPayload));
    }

    /** AdamW as PyTorch writes it, one scalar at a time. */
    private static double[] scalarAdamW(int steps) {
        double[] p = START.clone(), m = new double[p.length], v = new double[p.length];
        for (int t = 1; t <= steps; t++) {
            double lr = RATES[t - 1];
            for (int i = 0; i < p.length; i++) {
                double g = GRADS[t - 1][i];
                p[i] *= 1 - lr * DECAY;
                m[i] = B1 * m[i] + (1 - B1) * g;
                v[i] = B2 * v[i] + (1 - B2) * g * g;
                double mHat = m[i] / (1 - Math.pow(B1, t)), vHat = v[i] / (1 - Math.pow(B2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
            }
        }
        return p;
    }

    private static double tolerance(Backend b) {
        return b.isDouble() ? 1e-13 : 1e-6;
    }

    @ParameterizedTest
    @MethodSource("allBackends")
    void adamWOneAndTwoStepsWithWeightDecay(Backend b) {
        Tensor p = Tensor.of(b, START, 3).requireGrad();
        Tensor untouched = Tensor.of(b, START, 3).requireGrad();
        AdamW opt = new AdamW(List.of(p, untouched), B1, B2, EPS, DECAY);
        for (int t = 0; t < 2; t++) {
            p.setGrad(Tensor.of(b, GRADS[t], 3));
            opt.step(RATES[t]);
            assertArrayEquals(scalarAdamW(t + 1), p.toDoubleArray(), tolerance(b), "after step " + (t + 1));
        }
        // Step 1 by hand: bias correction makes the update lr * g / (|g| + eps), after decaying by 1 - lr * wd.
        double[] byHand = new double[3];
        for (int i = 0; i < 3; i++) byHand[i] = START[i] * (1 - 0.01 * DECAY) - 0.01 * GRADS[0][i] / (Math.abs(GRADS[0][i]) + EPS);
        assertArrayEquals(new double[] {0.489500001, -1.4885000005, 1.98800000033}, byHand, 1e-11);
        assertArrayEquals(byHand, scalarAdamW(1), 1e-15);
        assertArrayEquals(START, untouched.toDoubleArray(), 0.0, "a parameter without a gradient is not updated");
        assertEquals(2, opt.steps());
    }

    @ParameterizedTest
    @MethodSource("allBackends")
    void sgdWithMomentumAndDecay(Backend b) {
        Tensor p = Tensor.of(b, START, 3).requireGrad();
        Sgd opt = new Sgd(List.of(p), 0.9, DECAY);
        double[] want = START.clone(), vel = new double[3];
        for (int t = 0; t < 2; t++) {
            p.setGrad(Tensor.of(b, GRADS[t], 3));
            opt.step(RATES[t]);
            for (int i = 0; i < 3; i++) {
                vel[i] = t == 0 ? GRADS[t][i] : 0.9 * vel[i] + GRADS[t][i];
                want[i] = want[i] - RATES[t] * vel[i] - RATES[t] * DECAY * want[i];
            }
            assertArrayEquals(want, p.toDoubleArray(), tolerance(b));
        }
    }

    @Test
    void linearScheduleWarmsUpThenDecaysToZero() {
        LinearSchedule s = new LinearSchedule(1e-3, 10, 110);
        double[] want = {0, 1e-4, 5e-4, 9e-4, 1e-3, 9.9e-4, 5e-4, 1e-5, 0, 0};
        long[] steps = {0, 1, 5, 9, 10, 11, 60, 109, 110, 500};
        for (int i = 0; i < steps.length; i++) assertEquals(want[i], s.rate(steps[i]), 1e-18, "step " + steps[i]);
        LinearSchedule noWarmup = new LinearSchedule(2.0, 0, 4);
        assertArrayEquals(new double[] {2.0, 1.5, 1.0, 0.5, 0.0}, new double[] {noWarmup.rate(0), noWarmup.rate(1), noWarmup.rate(2), noWarmup.rate(3), noWarmup.rate(4)});
        // As HF: with no decay phase left, the rate is 0 once warm-up ends.
        LinearSchedule allWarmup = new LinearSchedule(1.0, 4, 4);
        assertEquals(0.75, allWarmup.rate(3));
        assertEquals(0.0, allWarmup.rate(4));
    }

    @ParameterizedTest
    @MethodSource("allBackends")
    void clipGradNormScalesToTheLimit(Backend b) {
        Tensor p = Tensor.zeros(b, 2).requireGrad(), q = Tensor.zeros(b, 1, 2).requireGrad(), none = Tensor.zeros(b, 3).requireGrad();
        p.setGrad(Tensor.of(b, new double[] {3, 0}, 2));
        q.setGrad(Tensor.of(b, new double[] {0, -4}, 1, 2));
        assertEquals(5.0, Optimizer.clipGradNorm(List.of(p, q, none), 10.0), 1e-12);
        assertArrayEquals(new double[] {3, 0}, p.grad().toDoubleArray(), 0.0, "below the limit nothing changes");
        assertEquals(5.0, Optimizer.clipGradNorm(List.of(p, q, none), 1.0), 1e-12);
        double scale = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[] {3 * scale, 0}, p.grad().toDoubleArray(), tolerance(b));
        assertArrayEquals(new double[] {0, -4 * scale}, q.grad().toDoubleArray(), tolerance(b));
        q.setGrad(Tensor.of(b, new double[] {Double.NaN, 1}, 1, 2));
        assertEquals(Double.NaN, Optimizer.clipGradNorm(List.of(p, q), 1.0));
        assertArrayEquals(new double[] {3 * scale, 0}, p.grad().toDoubleArray(), tolerance(b), "a non-finite norm scales nothing");
    }
}
