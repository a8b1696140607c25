package reveal.attribution.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import reveal.attribution.bridge.Rankings;

/**
 * How many training instances IA and NA retrieve in common (paper-method 10). Per test instance t, A_t = the top-k
 * training instances by IA score and B_t = the NA-Instances list; {@code c_t = |A_t ∩ B_t|}.
 *
 * <p>The public code ranks z-scored IA scores; a per-test z-score is an increasing map of the scores (when their
 * spread is non-zero), so the order, and A_t, are those of the raw scores, which this uses.
 *
 * @param meanOverIa  mean of {@code c_t / |A_t|} ("cnt / len(insts from ia)")
 * @param meanOverNa  mean of {@code c_t / |B_t|}, a term counting 0 when B_t is empty ("cnt / len(insts from na)")
 * @param zeroOverlap number of tests with {@code c_t = 0}
 */
public record InstanceOverlap(double meanOverIa, double meanOverNa, int zeroOverlap, int tests) {
    /** The paper's k. */
    public static final int K = 10;

    /**
     * @param iaTestMajor IA scores {@code [test][train]}
     * @param na          each test's NA-Instances list (training positions), in the same test order
     */
    public static InstanceOverlap of(double[][] iaTestMajor, List<int[]> na, int k) {
        if (iaTestMajor.length != na.size()) throw new IllegalArgumentException("overlap: " + iaTestMajor.length + " IA rows but " + na.size() + " NA lists");
        double overIa = 0, overNa = 0;
        int zero = 0;
        for (int t = 0; t < na.size(); t++) {
            int[] a = Rankings.top(iaTestMajor[t], k);
            Set<Integer> b = new HashSet<>();
            for (int z : na.get(t)) b.add(z);
            int c = 0;
            for (int z : a) if (b.contains(z)) c++;
            overIa += a.length == 0 ? 0 : (double) c / a.length;
            overNa += b.isEmpty() ? 0 : (double) c / na.get(t).length;
            if (c == 0) zero++;
        }
        int n = na.size();
        return new InstanceOverlap(overIa / n, overNa / n, zero, n);
    }
}
