package reveal.attribution.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import reveal.attribution.bridge.Rankings;

class RetrainingSubsetsTest {
    @Test
    void cutoffTruncatesLikePythonInt() {
        assertEquals(3, RetrainingSubsets.cutoff(10, 0.3));
        assertEquals(7, RetrainingSubsets.cutoff(10, 0.7));
        assertEquals(1000, RetrainingSubsets.cutoff(10_000, 0.1));
        assertEquals(1, RetrainingSubsets.cutoff(3, 0.5));
    }

    @Test
    void mostTakesTheLowestRankSumsAndLeastTheHighestWithStableTies() {
        double[] rankSums = {5, 5, 3, 5, 6};
        assertArrayEquals(new int[] {2, 0}, RetrainingSubsets.most(rankSums, 0.4));
        assertArrayEquals(new int[] {4, 0}, RetrainingSubsets.least(rankSums, 0.4));
        assertArrayEquals(new int[] {2, 0, 1, 3}, RetrainingSubsets.most(rankSums, 0.9));
    }

    @Test
    void iaScoresBecomeRankSumsRankingEachTestDescending() {
        // Raw IA scores, larger = more helpful. Test 0 ranks 1, 0, 2; test 1 ranks 1, 2, 0.
        double[][] ia = {{0.2, 0.9, -0.5}, {-3, 7, 1}};
        double[] r = Rankings.rankSum(ia);
        assertArrayEquals(new double[] {1 + 2, 0 + 0, 2 + 1}, r, 0.0);
        assertArrayEquals(new int[] {1}, RetrainingSubsets.most(r, 0.34));
    }

    @Test
    void frequencyCountsRankEveryInstance() {
        double[] v = RetrainingSubsets.fromFrequency(new int[] {1, 0, 3, 1});
        assertArrayEquals(new int[] {2, 0}, RetrainingSubsets.most(v, 0.5));
        assertArrayEquals(new int[] {1, 0}, RetrainingSubsets.least(v, 0.5));
    }

    @Test
    void randomSubsetsAreDistinctSortedAndSeeded() {
        int[] a = RetrainingSubsets.random(100, 0.3, 42);
        assertEquals(30, a.length);
        assertEquals(30, Arrays.stream(a).distinct().count());
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, a);
        assertArrayEquals(a, RetrainingSubsets.random(100, 0.3, 42));
        assertFalse(Arrays.equals(a, RetrainingSubsets.random(100, 0.3, 60)));
    }
}
