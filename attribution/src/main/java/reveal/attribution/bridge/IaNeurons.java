package reveal.attribution.bridge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * IA-Neurons (paper-method 7): instance attribution turned into neuron attribution. For a test instance, its
 * top-K training instances by IA score (descending) each contribute their single highest-attribution neuron, in IA
 * rank order; duplicates are kept, so the list can hold fewer than K distinct neurons. A training instance with no
 * selected neuron contributes nothing, so the list can also be shorter than K.
 */
public final class IaNeurons {
    /** The paper's K ({@code --neuron_num}). */
    public static final int K = 100;

    private IaNeurons() {
    }

    /** @param iaScores the test instance's IA scores over training positions; {@code train} in the same order */
    public static List<Neuron> forTest(double[] iaScores, List<NeuronAttribution> train, int k) {
        if (iaScores.length != train.size()) throw new IllegalArgumentException("IA-Neurons: " + iaScores.length + " IA scores for " + train.size() + " training instances");
        List<Neuron> out = new ArrayList<>(k);
        for (int z : Rankings.top(iaScores, k)) {
            Neuron n = train.get(z).strongest();
            if (n != null) out.add(n);
        }
        return out;
    }

    /** Distinct neurons over several neuron lists. */
    public static int uniqueNeurons(Collection<? extends Collection<Neuron>> lists) {
        Set<Neuron> all = new HashSet<>();
        lists.forEach(all::addAll);
        return all.size();
    }

    /** Distinct top-1 neurons of NA and of IA over the test set, and how many both reach. */
    public record Comparison(int uniqueNa, int uniqueIa, int shared) {
    }

    /**
     * The paper's {@code ia_neurons_compare}: NA side = each test instance's own strongest neuron; IA side = the
     * strongest neuron of each test instance's top-1 IA training instance.
     *
     * @param iaTestMajor IA scores {@code [test][train]}, tests in the order of {@code test}
     */
    public static Comparison compare(List<NeuronAttribution> test, double[][] iaTestMajor, List<NeuronAttribution> train) {
        if (test.size() != iaTestMajor.length) throw new IllegalArgumentException("IA-Neurons comparison: " + test.size() + " test instances but " + iaTestMajor.length + " rows of IA scores");
        Set<Neuron> na = new HashSet<>(), ia = new HashSet<>();
        for (int t = 0; t < test.size(); t++) {
            Neuron own = test.get(t).strongest();
            if (own != null) na.add(own);
            ia.addAll(forTest(iaTestMajor[t], train, 1));
        }
        Set<Neuron> both = new HashSet<>(na);
        both.retainAll(ia);
        return new Comparison(na.size(), ia.size(), both.size());
    }
}
