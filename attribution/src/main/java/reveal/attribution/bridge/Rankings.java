package reveal.attribution.bridge;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rankings of training instances (by position in the training list) from per-test scores, and their aggregation
 * over the test set. Order: score descending, equal scores by position ascending; −∞ and NaN ("no evidence") last.
 */
public final class Rankings {
    private Rankings() {
    }

    /** All positions, most influential first. */
    public static int[] descending(double[] scores) {
        return Arrays.stream(boxedPositions(scores.length))
                .sorted((a, b) -> compare(scores[a], scores[b], a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The first {@code k} of {@link #descending}, leaving out −∞/NaN scores (they share no evidence with the test). */
    public static int[] top(double[] scores, int k) {
        return Arrays.stream(descending(scores)).filter(i -> scores[i] > Double.NEGATIVE_INFINITY).limit(k).toArray();
    }

    /**
     * The rank-sum aggregation (paper-method 6, "ver3"): {@code R(z) = Σ_t rank_t(z)} with {@code rank_t} the
     * 0-based position of z in test t's descending order, and rank N_train where the score is −∞ (or NaN).
     * Lower = more influential. Rows are added one test at a time, so the score matrix need not be in memory.
     */
    public static final class RankSum {
        private final long[] sums;

        public RankSum(int nTrain) {
            sums = new long[nTrain];
        }

        public void add(double[] scoresOfOneTest) {
            if (scoresOfOneTest.length != sums.length) throw new IllegalArgumentException("rank-sum: " + scoresOfOneTest.length + " scores for " + sums.length + " training instances");
            int[] order = descending(scoresOfOneTest);
            for (int rank = 0; rank < order.length; rank++) {
                int z = order[rank];
                sums[z] += scoresOfOneTest[z] > Double.NEGATIVE_INFINITY ? rank : sums.length;
            }
        }

        /** {@code R(z)} per training position, as values where lower = more influential. */
        public double[] values() {
            return Arrays.stream(sums).asDoubleStream().toArray();
        }
    }

    /** Over all tests' rank-sums: {@code R(z)} for a {@code [test][train]} score matrix. */
    public static double[] rankSum(double[][] testMajor) {
        RankSum r = new RankSum(testMajor[0].length);
        for (double[] row : testMajor) r.add(row);
        return r.values();
    }

    /** The frequency aggregation ("ver2"): how often each training position occurs in the tests' top-K lists. */
    public static int[] frequency(List<int[]> topLists, int nTrain) {
        int[] counts = new int[nTrain];
        for (int[] top : topLists) for (int z : top) counts[z]++;
        return counts;
    }

    /** |∪_t top(t)|: the number of distinct training instances retrieved over the test set. */
    public static int uniqueInstances(List<int[]> topLists) {
        Set<Integer> seen = new HashSet<>();
        for (int[] top : topLists) for (int z : top) seen.add(z);
        return seen.size();
    }

    private static int compare(double x, double y, int a, int b) {
        boolean xs = x > Double.NEGATIVE_INFINITY, ys = y > Double.NEGATIVE_INFINITY; // false for −∞ and NaN
        if (xs != ys) return xs ? -1 : 1;
        if (xs && x != y) return x > y ? -1 : 1;
        return Integer.compare(a, b);
    }

    private static Integer[] boxedPositions(int n) {
        Integer[] p = new Integer[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }
}
