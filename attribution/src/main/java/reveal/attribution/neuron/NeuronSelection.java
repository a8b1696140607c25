package reveal.attribution.neuron;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reveal.attribution.bridge.Neuron;
import reveal.attribution.bridge.NeuronScore;

/**
 * A rule that picks an instance's important neurons from its {@code [layer][neuron]} attributions. Every rule
 * returns the neurons by score, highest first, equal scores in layer-major order (the paper's
 * {@code torch.nonzero} order).
 */
@FunctionalInterface
public interface NeuronSelection {
    /** The paper's {@code adaptive_threshold}. */
    double DEFAULT_THRESHOLD = 0.1;

    List<NeuronScore> select(double[][] attributions);

    /**
     * The paper's coarse neurons: {@code attr > t * max(attr)} over all layers, strictly. As in the paper's code the
     * maximum is taken as is, so when every attribution is negative the rule keeps everything above t times it.
     */
    static NeuronSelection threshold(double t) {
        return attributions -> {
            double max = Double.NEGATIVE_INFINITY;
            for (double[] row : attributions) for (double v : row) max = Math.max(max, v);
            double cut = t * max;
            List<NeuronScore> kept = new ArrayList<>();
            for (int l = 0; l < attributions.length; l++) {
                for (int j = 0; j < attributions[l].length; j++) {
                    if (attributions[l][j] > cut) kept.add(new NeuronScore(l, j, attributions[l][j]));
                }
            }
            return byScore(kept);
        };
    }

    /** The {@code k} highest attributions (all neurons when there are fewer). */
    static NeuronSelection topK(int k) {
        if (k < 0) throw new IllegalArgumentException("top-k needs k >= 0, got " + k);
        return attributions -> {
            List<NeuronScore> all = new ArrayList<>();
            for (int l = 0; l < attributions.length; l++) {
                for (int j = 0; j < attributions[l].length; j++) all.add(new NeuronScore(l, j, attributions[l][j]));
            }
            List<NeuronScore> ranked = byScore(all);
            return List.copyOf(ranked.subList(0, Math.min(k, ranked.size())));
        };
    }

    /**
     * Dai et al.'s refined neurons: those in at least {@code fraction} (0..1) of the paraphrases' coarse sets, each
     * scored by the mean of its scores in the sets that hold it. (EleutherAI's {@code get_refined_neurons}, which the
     * paper's code carries but leaves disabled, keeps counts strictly above {@code fraction * n} instead.)
     */
    static List<NeuronScore> refine(List<List<NeuronScore>> coarseSets, double fraction) {
        if (coarseSets.isEmpty()) throw new IllegalArgumentException("refinement needs the neurons of at least one paraphrase");
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("refinement share must lie in [0, 1], got " + fraction);
        Map<Neuron, double[]> countAndSum = new LinkedHashMap<>();
        for (List<NeuronScore> set : coarseSets) {
            for (NeuronScore n : set) {
                double[] cs = countAndSum.computeIfAbsent(n.key(), key -> new double[2]);
                cs[0]++;
                cs[1] += n.score();
            }
        }
        // The tolerance keeps e.g. 3 of 10 at fraction 0.3, whose product is 3.0000000000000004.
        double needed = fraction * coarseSets.size() - 1e-9;
        List<NeuronScore> kept = new ArrayList<>();
        countAndSum.forEach((neuron, cs) -> {
            if (cs[0] >= needed) kept.add(new NeuronScore(neuron.layer(), neuron.index(), cs[1] / cs[0]));
        });
        kept.sort(Comparator.comparingInt(NeuronScore::layer).thenComparingInt(NeuronScore::neuron));
        return byScore(kept);
    }

    /** A stable sort by descending score. */
    private static List<NeuronScore> byScore(List<NeuronScore> neurons) {
        List<NeuronScore> sorted = new ArrayList<>(neurons);
        sorted.sort(Comparator.comparingDouble(NeuronScore::score).reversed());
        return sorted;
    }
}
