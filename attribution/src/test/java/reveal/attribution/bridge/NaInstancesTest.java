package reveal.attribution.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NaInstancesTest {
    /** {layer, neuron, score} triples. */
    static NeuronAttribution na(int id, double[]... neurons) {
        List<NeuronScore> ns = new ArrayList<>();
        for (double[] n : neurons) ns.add(new NeuronScore((int) n[0], (int) n[1], n[2]));
        return new NeuronAttribution(id, 0, 0, ns);
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private final NeuronAttribution test = na(100,
            new double[] {2, 5, 0.1}, new double[] {0, 1, 0.9}, new double[] {1, 4, 0.4}, new double[] {1, 2, 0.8},
            new double[] {0, 3, 0.5}, new double[] {2, 0, 0.3});  // top-5: 0-1, 1-2, 0-3, 1-4, 2-0 (2-5 is sixth)

    private final List<NeuronAttribution> train = List.of(
            na(0, new double[] {0, 1, 2.0}, new double[] {1, 2, 1.0}, new double[] {3, 3, 0.0}),
            na(1, new double[] {2, 5, 1.0}),                       // shares only the test's sixth neuron
            na(2, new double[] {1, 4, 0.7}),                       // one neuron: zero variance (B14)
            na(3, new double[] {2, 0, 0.1}, new double[] {9, 9, 0.5}, new double[] {0, 3, 0.3}),
            na(4, new double[] {1, 2, 3.0}, new double[] {0, 1, 1.0}));

    @Test
    void scoresAreTheDcgOfTheTestTopNeuronsAtTheTrainingRanks() {
        double[] s = new NaInstances(train).scores(test);
        double z = 1 / Math.sqrt(2.0 / 3);  // z-score of the top and bottom of three evenly spaced values
        // z0: 0-1 at rank 0 with z, 1-2 at rank 1 with z-score 0.
        assertEquals(Math.pow(2, z) - 1 + (Math.pow(2, 0) - 1) / log2(3), s[0], 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, s[1]);
        assertEquals(0.0, s[2], 0.0);
        // z3 ranked 9-9, 0-3, 2-0: 0-3 at rank 1 (z-score 0), 2-0 at rank 2 with z-score -z.
        assertEquals((Math.pow(2, -z) - 1) / log2(4), s[3], 1e-12);
        // z4 ranked 1-2 (z-score +1), 0-1 (z-score -1).
        assertEquals(1 + (0.5 - 1) / log2(3), s[4], 1e-12);
    }

    @Test
    void topListsAreDescendingAndLeaveOutInstancesSharingNoNeuron() {
        NaInstances na = new NaInstances(train);
        assertArrayEquals(new int[] {0, 4, 2}, na.top(test, 3));
        assertArrayEquals(new int[] {0, 4, 2, 3}, na.top(test, 10));
    }

    @Test
    void theNumberOfTestNeuronsIsAParameter() {
        // With the top-1 test neuron (0-1) only, z4 matches at rank 1 with z-score -1.
        assertEquals((0.5 - 1) / log2(3), new NaInstances(train, 1).scores(test)[4], 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, new NaInstances(train, 1).scores(test)[3]);
    }

    @Test
    void instancesWithoutNeuronsMatchNothing() {
        NaInstances na = new NaInstances(List.of(na(0), na(1, new double[] {0, 1, 1}, new double[] {0, 2, 1})));
        double[] s = na.scores(test);
        assertEquals(Double.NEGATIVE_INFINITY, s[0]);
        assertEquals(0.0, s[1], 0.0, "equal scores: zero variance, z-scores 0");
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, na.scores(na(7)), 0.0);
    }
}
