package reveal.attribution.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankingsTest {
    private static final double NEG = Double.NEGATIVE_INFINITY;

    @Test
    void descendingOrderBreaksTiesByPositionAndPutsNoEvidenceLast() {
        assertArrayEquals(new int[] {1, 3, 4, 0, 2, 5}, Rankings.descending(new double[] {0.5, 3, NEG, 3, 2, Double.NaN}));
        assertArrayEquals(new int[] {1, 3}, Rankings.top(new double[] {0.5, 3, NEG, 3, 2}, 2));
    }

    @Test
    void rankSumAddsZeroBasedRanksWithNoEvidenceCountingAsTheTrainingSetSize() {
        double[][] scores = {
            {1.337, NEG, 0, -0.286, 0.685},   // order 0, 4, 2, 3 | 1 -> ranks 0, 5, 2, 3, 1
            {NEG, 2, 2, 1, NEG},              // order 1, 2, 3 | 0, 4 -> ranks 5, 0, 1, 2, 5
        };
        assertArrayEquals(new double[] {5, 5, 3, 5, 6}, Rankings.rankSum(scores), 0.0);
    }

    @Test
    void frequencyAndUniqueCountsOverTopLists() {
        List<int[]> tops = List.of(new int[] {0, 4, 2}, new int[] {1, 2, 3});
        assertArrayEquals(new int[] {1, 1, 2, 1, 1, 0}, Rankings.frequency(tops, 6));
        assertEquals(5, Rankings.uniqueInstances(tops));
    }
}
