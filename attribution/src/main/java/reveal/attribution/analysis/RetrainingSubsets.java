package reveal.attribution.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Training subsets for the retraining test (paper-method 8.3): the most / least influential {@code x} of the
 * training set by an aggregated value where <b>lower = more influential</b> (a rank-sum, per D5; build IA rank-sums
 * with {@link reveal.attribution.bridge.Rankings#rankSum}), or a random {@code x}. The subset size is
 * {@code int(x * N)} as in the public code. Equal values keep position order (Python's stable sort).
 */
public final class RetrainingSubsets {
    private RetrainingSubsets() {
    }

    public static int cutoff(int n, double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("retraining subset: fraction " + fraction + " outside [0, 1]");
        return (int) (fraction * n);
    }

    /** The {@code int(x N)} positions with the lowest values, most influential first. */
    public static int[] most(double[] values, double fraction) {
        return sorted(values, false, cutoff(values.length, fraction));
    }

    /** The {@code int(x N)} positions with the highest values, least influential first. */
    public static int[] least(double[] values, double fraction) {
        return sorted(values, true, cutoff(values.length, fraction));
    }

    /** {@code int(x N)} distinct positions drawn uniformly with {@code seed}, ascending (not Python's exact draw). */
    public static int[] random(int n, double fraction, long seed) {
        int k = cutoff(n, fraction);
        int[] p = IntStream.range(0, n).toArray();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        int[] out = Arrays.copyOf(p, k);
        Arrays.sort(out);
        return out;
    }

    /**
     * Frequency counts over top-K lists ("ver2") as values where lower = more influential ({@code -count}). Every
     * training instance is eligible, so "most"/"least" always hold {@code int(x N)} instances (unlike bug B10, which
     * ranks only instances retrieved at least once); "least" then starts with never-retrieved instances.
     */
    public static double[] fromFrequency(int[] counts) {
        return Arrays.stream(counts).mapToDouble(c -> -c).toArray();
    }

    private static int[] sorted(double[] values, boolean descending, int k) {
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) throw new IllegalArgumentException("retraining subset: value of position " + i + " is NaN");
        }
        return IntStream.range(0, values.length).boxed()
                .sorted((a, b) -> {
                    int c = Double.compare(values[a], values[b]);
                    return descending ? -c : c;
                })
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
