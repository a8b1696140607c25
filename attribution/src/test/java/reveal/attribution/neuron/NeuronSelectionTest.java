package reveal.attribution.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.attribution.bridge.NeuronScore;

class NeuronSelectionTest {
    private static final double[][] ATTR = {
        {0.5, -1.0, 0.1, 1.0},
        {0.1, 2.0, 0.2, 0.5},
    };

    @Test
    void thresholdKeepsStrictlyAboveAShareOfTheMaximumByScore() {
        // 0.25 * max 2.0 = 0.5: the two 0.5s are not kept (strict), as in the paper's code.
        assertEquals(List.of(new NeuronScore(1, 1, 2.0), new NeuronScore(0, 3, 1.0)), NeuronSelection.threshold(0.25).select(ATTR));
        // 0.1 * 2.0 = 0.2: ties (0.5 at 0-0 and 1-3) come out layer-major.
        assertEquals(List.of(new NeuronScore(1, 1, 2.0), new NeuronScore(0, 3, 1.0), new NeuronScore(0, 0, 0.5),
                new NeuronScore(1, 3, 0.5)), NeuronSelection.threshold(NeuronSelection.DEFAULT_THRESHOLD).select(ATTR));
    }

    @Test
    void thresholdOfAllNegativeAttributionsUsesTheNegativeMaximumAsIs() {
        double[][] negative = {{-1.0, -0.05, -0.2}};
        // cut = 0.1 * -0.05 = -0.005: nothing is above it; at t = 2 the cut is -0.1, which -0.05 exceeds.
        assertEquals(List.of(), NeuronSelection.threshold(0.1).select(negative));
        assertEquals(List.of(new NeuronScore(0, 1, -0.05)), NeuronSelection.threshold(2).select(negative));
    }

    @Test
    void topKRanksAllNeurons() {
        assertEquals(List.of(new NeuronScore(1, 1, 2.0), new NeuronScore(0, 3, 1.0), new NeuronScore(0, 0, 0.5)), NeuronSelection.topK(3).select(ATTR));
        assertEquals(8, NeuronSelection.topK(100).select(ATTR).size());
        assertEquals(new NeuronScore(0, 1, -1.0), NeuronSelection.topK(8).select(ATTR).get(7));
        assertThrows(IllegalArgumentException.class, () -> NeuronSelection.topK(-1));
    }

    @Test
    void refinementKeepsNeuronsSharedByEnoughParaphrasesWithTheirMeanScore() {
        List<List<NeuronScore>> sets = List.of(
                List.of(new NeuronScore(0, 1, 1.0), new NeuronScore(1, 2, 3.0)),
                List.of(new NeuronScore(1, 2, 1.0), new NeuronScore(0, 5, 9.0)),
                List.of(new NeuronScore(0, 1, 2.0), new NeuronScore(1, 2, 2.0)),
                List.of(new NeuronScore(1, 7, 4.0)));
        // 1-2 in 3 of 4 sets, 0-1 in 2 of 4, 0-5 and 1-7 in 1 of 4.
        assertEquals(List.of(new NeuronScore(1, 2, 2.0)), NeuronSelection.refine(sets, 0.75));
        assertEquals(List.of(new NeuronScore(1, 2, 2.0), new NeuronScore(0, 1, 1.5)), NeuronSelection.refine(sets, 0.5));
        assertEquals(4, NeuronSelection.refine(sets, 0.25).size());
        assertEquals(new NeuronScore(0, 5, 9.0), NeuronSelection.refine(sets, 0.0).get(0));
    }

    @Test
    void refinementCountsAShareThatFloatingPointRoundsUp() {
        // 0.3 * 10 = 3.0000000000000004 in doubles; a neuron in 3 of 10 sets is still kept.
        List<List<NeuronScore>> sets = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) sets.add(i < 3 ? List.of(new NeuronScore(0, 0, 1.0)) : List.of());
        assertEquals(1, NeuronSelection.refine(sets, 0.3).size());
        assertEquals(0, NeuronSelection.refine(sets, 0.31).size());
        assertThrows(IllegalArgumentException.class, () -> NeuronSelection.refine(sets, 1.5));
        assertThrows(IllegalArgumentException.class, () -> NeuronSelection.refine(List.of(), 0.5));
    }
}
