package reveal.eval.analysis;

import java.util.Set;

/**
 * Retrieval quality of a ranking of training instances against the set known to be relevant (the known-answer
 * task's ground truth), and what a uniformly random ranking would score in expectation.
 */
public final class Retrieval {
    private Retrieval() {
    }

    /** Share of the first {@code k} ranked items that are relevant (a ranking shorter than k counts the missing as misses). */
    public static double precisionAtK(int[] ranking, Set<Integer> relevant, int k) {
        if (k < 1) throw new IllegalArgumentException("precision@k: k = " + k + " must be >= 1");
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranking.length); i++) if (relevant.contains(ranking[i])) hits++;
        return (double) hits / k;
    }

    /** 1 / (1-based rank of the first relevant item), 0 when none is ranked. */
    public static double reciprocalRank(int[] ranking, Set<Integer> relevant) {
        for (int i = 0; i < ranking.length; i++) if (relevant.contains(ranking[i])) return 1.0 / (i + 1);
        return 0;
    }

    /** Expected precision@k of a random order of {@code n} items of which {@code relevant} are relevant. */
    public static double randomPrecisionAtK(int n, int relevant) {
        check(n, relevant);
        return (double) relevant / n;
    }

    /**
     * Expected reciprocal rank of a random order: with m of n relevant, the first relevant item is at rank r with
     * probability {@code P(R > r-1) * m / (n - r + 1)}, where {@code P(R > r) = prod_{i<r} (n - m - i) / (n - i)}.
     */
    public static double randomReciprocalRank(int n, int relevant) {
        check(n, relevant);
        if (relevant == 0) return 0;
        double noneYet = 1, expected = 0;
        for (int r = 1; r <= n - relevant + 1; r++) {
            expected += noneYet * relevant / (n - r + 1) / r;
            noneYet *= (double) (n - relevant - (r - 1)) / (n - (r - 1));
        }
        return expected;
    }

    private static void check(int n, int relevant) {
        if (n < 1 || relevant < 0 || relevant > n) throw new IllegalArgumentException("random retrieval: " + relevant + " relevant of " + n + " items");
    }
}
