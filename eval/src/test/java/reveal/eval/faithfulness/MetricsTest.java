package reveal.eval.faithfulness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.attribution.bridge.Neuron;

class MetricsTest {

    @Test
    void changeRateAndProbabilityDropFollowThePredictedClass() {
        double[][] base = {{0.7, 0.3}, {0.2, 0.8}, {0.5, 0.5}, {0.1, 0.6, 0.3}};
        double[][] edited = {{0.4, 0.6}, {0.3, 0.7}, {0.5, 0.5}, {0.2, 0.2, 0.6}};
        BlockingEffect e = BlockingEffect.measure(base, edited);
        // Row 0 flips, row 1 keeps class 1, row 2 ties stay on class 0 (first index), row 3 flips 1 -> 2.
        assertEquals(0.5, e.changeRate(), 1e-12);
        // Drops of the originally predicted class: 0.3, 0.1, 0, 0.4.
        assertEquals((0.3 + 0.1 + 0.0 + 0.4) / 4, e.probabilityDrop(), 1e-12);
        assertEquals(4, e.instances());
    }

    @Test
    void enhancingCanGiveANegativeDrop() {
        BlockingEffect e = BlockingEffect.measure(new double[][] {{0.6, 0.4}}, new double[][] {{0.9, 0.1}});
        assertEquals(0, e.changeRate());
        assertEquals(-0.3, e.probabilityDrop(), 1e-12);
    }

    @Test
    void mismatchedRowsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> BlockingEffect.measure(new double[][] {{1, 0}}, new double[][] {}));
        assertThrows(IllegalArgumentException.class, () -> BlockingEffect.measure(new double[][] {{1, 0}}, new double[][] {{1, 0, 0}}));
    }

    @Test
    void spreadIsTheMeanAndSampleStandardDeviation() {
        Spread s = Spread.of(0.1, 0.2, 0.6);
        assertEquals(0.3, s.mean(), 1e-12);
        // sample variance: (0.04 + 0.01 + 0.09) / 2 = 0.07
        assertEquals(Math.sqrt(0.07), s.std(), 1e-12);
        assertEquals(0, Spread.of(0.4).std());
    }

    @Test
    void randomNeuronsMatchTheDistinctSizeAndRepeatWithTheSeed() {
        List<Neuron> real = List.of(new Neuron(0, 1), new Neuron(0, 1), new Neuron(2, 5), new Neuron(1, 0));
        List<List<Neuron>> a = RandomNeurons.like(List.of(real, List.of()), 3, 7, 42);
        List<List<Neuron>> b = RandomNeurons.like(List.of(real, List.of()), 3, 7, 42);
        List<List<Neuron>> c = RandomNeurons.like(List.of(real, List.of()), 3, 7, 43);
        assertEquals(3, a.get(0).size());
        assertEquals(3, new HashSet<>(a.get(0)).size());
        assertEquals(0, a.get(1).size());
        assertEquals(a, b);
        assertEquals(false, a.equals(c) && a.get(0).equals(c.get(0)));
        for (Neuron n : a.get(0)) {
            assertEquals(true, n.layer() >= 0 && n.layer() < 3 && n.index() >= 0 && n.index() < 7, n.toString());
        }
    }
}
