package reveal.attribution.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.attribution.bridge.NaInstancesTest.na;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IaNeuronsTest {
    private final List<NeuronAttribution> train = List.of(
            na(0, new double[] {0, 1, 0.2}, new double[] {3, 7, 0.9}),   // strongest 3-7
            na(1, new double[] {5, 5, 1.0}),                            // strongest 5-5
            na(2),                                                      // no neuron selected
            na(3, new double[] {3, 7, 0.4}, new double[] {1, 1, 0.4}),  // tie: the first stored, 3-7
            na(4, new double[] {2, 2, 0.3}));

    @Test
    void topInstancesContributeTheirStrongestNeuronInIaOrderWithDuplicates() {
        double[] ia = {0.5, 3.0, 9.0, 3.0, -1.0};   // order 2, 1, 3, 0, 4
        assertEquals(List.of(new Neuron(5, 5), new Neuron(3, 7), new Neuron(3, 7)), IaNeurons.forTest(ia, train, 4));
        assertEquals(List.of(new Neuron(5, 5), new Neuron(3, 7), new Neuron(3, 7), new Neuron(2, 2)), IaNeurons.forTest(ia, train, 100));
        assertEquals(3, IaNeurons.uniqueNeurons(List.of(IaNeurons.forTest(ia, train, 100))));
    }

    @Test
    void comparisonCountsDistinctTopNeuronsOfBothSides() {
        List<NeuronAttribution> test = List.of(na(10, new double[] {5, 5, 2.0}), na(11, new double[] {8, 8, 1.0}), na(12, new double[] {5, 5, 1.0}));
        double[][] ia = {
            {1, 0, 0, 0, 0},  // top-1 = train 0 -> 3-7
            {0, 0, 0, 0, 1},  // train 4 -> 2-2
            {0, 1, 0, 0, 0},  // train 1 -> 5-5
        };
        assertEquals(new IaNeurons.Comparison(2, 3, 1), IaNeurons.compare(test, ia, train));
    }

    @Test
    void recordsRoundTripThroughJson() {
        NeuronAttribution a = new NeuronAttribution(7, 2, 1, List.of(new NeuronScore(0, 3, 0.25), new NeuronScore(11, 3071, -1e-3)));
        Map<String, Object> rec = reveal.engine.io.Json.parseObject(reveal.engine.io.Json.write(a.toRecord()));
        assertEquals(a, NeuronAttribution.fromRecord(rec));
        assertEquals(List.of(List.of(0L, 3L), List.of(11L, 3071L)), rec.get("neurons"));
    }
}
