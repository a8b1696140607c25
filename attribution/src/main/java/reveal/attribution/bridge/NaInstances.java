package reveal.attribution.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NA-Instances (paper-method 6): neuron attribution turned into instance attribution. A training instance z scores
 * against a test instance t by a DCG-style match of t's top-5 neurons against z's neurons ranked by attribution:
 *
 * <pre>score(t, z) = Σ_{d ∈ top5(t)} (2^{g} − 1) / log2(j + 2)   where d is z's neuron of rank j with z-score g,</pre>
 *
 * and a d that z lacks adds (2^0 − 1) / log2(2) = 0. The gain g is the population z-score (ddof 0) of z's
 * attribution values, so it is negative for a neuron below z's mean. A training instance sharing none of the
 * test's top neurons scores −∞.
 *
 * <p><b>Zero variance (bug B14 of the public code).</b> An instance with one selected neuron, or with all scores
 * equal, has standard deviation 0 and the public code's z-scores are NaN. Here its z-scores are defined as 0: every
 * neuron sits at the instance's mean, so a shared neuron contributes 2^0 − 1 = 0. Such an instance then scores 0
 * (not −∞, since −∞ is reserved for sharing no neuron): it ranks below every instance with positive evidence and
 * above those with none.
 */
public final class NaInstances {
    /** The public code matches the test instance's top-5 neurons. */
    public static final int TEST_NEURONS = 5;

    /** A training instance's neurons by rank, with the gain at each rank. */
    private record Profile(Map<Neuron, Integer> rank, double[] gain) {
    }

    private final List<Profile> train;
    private final int testNeurons;

    /** Scores against {@code train}, indexed by position in this list. */
    public NaInstances(List<NeuronAttribution> train) {
        this(train, TEST_NEURONS);
    }

    public NaInstances(List<NeuronAttribution> train, int testNeurons) {
        this.testNeurons = testNeurons;
        this.train = new ArrayList<>(train.size());
        for (NeuronAttribution z : train) this.train.add(profile(z));
    }

    /** {@code score(t, z)} for every training position z. */
    public double[] scores(NeuronAttribution test) {
        List<Neuron> top = test.top(testNeurons);
        double[] s = new double[train.size()];
        for (int z = 0; z < s.length; z++) s[z] = score(top, train.get(z));
        return s;
    }

    /** The {@code k} best-matching training positions (fewer when fewer share a neuron with the test). */
    public int[] top(NeuronAttribution test, int k) {
        return Rankings.top(scores(test), k);
    }

    private static double score(List<Neuron> testTop, Profile z) {
        double sum = 0;
        boolean shared = false;
        for (Neuron d : testTop) {
            Integer j = z.rank.get(d);
            if (j == null) continue; // gain 0: (2^0 - 1) / log2(2) = 0
            shared = true;
            sum += (Math.pow(2, z.gain[j]) - 1) / log2(j + 2);
        }
        return shared ? sum : Double.NEGATIVE_INFINITY;
    }

    private static Profile profile(NeuronAttribution z) {
        List<NeuronScore> ranked = z.ranked();
        int n = ranked.size();
        double mean = 0;
        for (NeuronScore s : ranked) mean += s.score();
        mean /= Math.max(n, 1);
        double var = 0;
        for (NeuronScore s : ranked) var += (s.score() - mean) * (s.score() - mean);
        double std = Math.sqrt(var / Math.max(n, 1));
        Map<Neuron, Integer> rank = new HashMap<>();
        double[] gain = new double[n];
        for (int j = 0; j < n; j++) {
            NeuronScore s = ranked.get(j);
            rank.putIfAbsent(s.key(), j);
            gain[j] = std > 0 ? (s.score() - mean) / std : 0;
        }
        return new Profile(rank, gain);
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
