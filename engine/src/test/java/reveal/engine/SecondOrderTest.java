package reveal.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.engine.GradientTest.input;
import static reveal.engine.GradientTest.weightedSum;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reveal.engine.bench.TransformerBlock;
import reveal.engine.check.GradCheck;
import reveal.engine.nn.Functional;

/**
 * Second derivatives (finite differences of Hessian-vector products built by double backward) for the ops that
 * Hessian-vector products pass through. A linear op has a zero Hessian, so each is followed by a nonlinearity.
 */
class SecondOrderTest {
    private static final double TOLERANCE = 1e-6;

    private static void assertSecondOrder(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.checkSecondOrder(xs -> weightedSum(f.apply(xs)), List.of(inputs), 42);
        assertTrue(r.passed(TOLERANCE), r.toString());
    }

    @Test
    void matmul() {
        assertSecondOrder(xs -> xs.get(0).matmul(xs.get(1)), input(1, 3, 4), input(2, 4, 2));
        assertSecondOrder(xs -> xs.get(0).matmul(xs.get(1).transpose(-1, -2)).square(), input(3, 2, 3, 4), input(4, 2, 4));
    }

    @Test
    void arithmetic() {
        assertSecondOrder(xs -> xs.get(0).add(xs.get(1)).square(), input(5, 3, 4), input(6, 4));
        assertSecondOrder(xs -> xs.get(0).mul(xs.get(1)), input(7, 3, 4), input(8, 3, 1));
        assertSecondOrder(xs -> xs.get(0).div(xs.get(1)), input(9, 3, 4), input(10, x -> x + Math.copySign(1.0, x), 4));
    }

    @Test
    void transcendental() {
        assertSecondOrder(xs -> xs.get(0).exp(), input(11, 3, 4));
        assertSecondOrder(xs -> xs.get(0).log(), input(12, x -> Math.abs(x) + 0.5, 3, 4));
        assertSecondOrder(xs -> xs.get(0).tanh(), input(13, 3, 4));
        assertSecondOrder(xs -> xs.get(0).sigmoid(), input(14, 3, 4));
    }

    @Test
    void activations() {
        assertSecondOrder(xs -> xs.get(0).gelu(), input(15, 3, 4));
        assertSecondOrder(xs -> xs.get(0).geluTanh(), input(16, 3, 4));
        assertSecondOrder(xs -> xs.get(0).silu(), input(17, 3, 4));
        // relu's second derivative is zero almost everywhere: checked through a product that has a curvature.
        assertSecondOrder(xs -> xs.get(0).relu().mul(xs.get(1)), input(18, x -> x + Math.copySign(0.2, x), 3, 4), input(19, 3, 4));
    }

    @Test
    void softmaxes() {
        Tensor mask = TransformerBlock.causalMask(Backends.REFERENCE, 4);
        assertSecondOrder(xs -> xs.get(0).add(mask).softmax(-1), input(20, 4, 4));
        assertSecondOrder(xs -> xs.get(0).logSoftmax(-1), input(21, 4, 5));
        assertSecondOrder(xs -> xs.get(0).softmax(0), input(22, 3, 5));
    }

    @Test
    void norms() {
        assertSecondOrder(xs -> Functional.layerNorm(xs.get(0), xs.get(1), xs.get(2), 1e-5), input(23, 3, 5), input(24, 5), input(25, 5));
        assertSecondOrder(xs -> Functional.rmsNorm(xs.get(0), xs.get(1), 1e-6), input(26, 3, 5), input(27, 5));
    }

    @Test
    void crossEntropy() {
        GradCheck.Result r = GradCheck.checkSecondOrder(xs -> Functional.crossEntropy(xs.get(0), new int[] {3, -1, 0, 1}, -1),
                List.of(input(28, 4, 5)), 43);
        assertTrue(r.passed(TOLERANCE), r.toString());
    }

    @Test
    void gatherAndReductions() {
        assertSecondOrder(xs -> xs.get(0).gatherRows(new int[] {1, 1, 0}).square(), input(29, 2, 3));
        assertSecondOrder(xs -> xs.get(0).sum(1, true).square(), input(30, 3, 4));
        assertSecondOrder(xs -> xs.get(0).mean(0, false).exp(), input(31, 3, 4));
        assertSecondOrder(xs -> xs.get(0).mean().square(), input(32, 3, 4));
    }
}
