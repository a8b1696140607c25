package reveal.attribution.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuadratureTest {

    @Test
    void rightRiemannSumSkipsZeroAndEndsAtOne() {
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0}, Quadrature.RIGHT.alphas(4), 0.0);
        assertArrayEquals(new double[] {1.0}, Quadrature.RIGHT.alphas(1), 0.0);
    }

    @Test
    void paperRuleIsTorchLinspaceWithBothEnds() {
        assertArrayEquals(new double[] {0.0, 0.25, 0.5, 0.75, 1.0}, Quadrature.PAPER.alphas(5), 0.0);
        double[] twenty = Quadrature.PAPER.alphas(20);
        assertEquals(20, twenty.length);
        assertEquals(1.0 / 19, twenty[1], 1e-16);
        assertEquals(1.0, twenty[19], 0.0);
        assertArrayEquals(new double[] {0.0}, Quadrature.PAPER.alphas(1), 0.0, "torch.linspace(0, 1, 1) is [0]");
    }

    @Test
    void namesAndBadStepCounts() {
        assertEquals(Quadrature.PAPER, Quadrature.byName("Paper"));
        assertEquals(Quadrature.RIGHT, Quadrature.byName("right"));
        assertThrows(IllegalArgumentException.class, () -> Quadrature.byName("trapezoid"));
        assertThrows(IllegalArgumentException.class, () -> Quadrature.RIGHT.alphas(0));
    }
}
