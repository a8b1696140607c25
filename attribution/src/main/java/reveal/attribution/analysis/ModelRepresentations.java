package reveal.attribution.analysis;

import java.util.List;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnHook;

/**
 * {@link Representations} of a fine-tuned classifier over tokenized, unpadded examples: the final hidden state
 * where the classifier pools, and its class probabilities, computed once for every instance in batched passes
 * without a graph.
 */
public final class ModelRepresentations implements Representations {
    private final double[][] hidden, probabilities;
    private final int[] labels;

    public ModelRepresentations(LanguageModel model, List<int[]> tokens, int[] labels) {
        if (labels.length != tokens.size()) throw new IllegalArgumentException("ModelRepresentations: " + labels.length + " labels for " + tokens.size() + " examples");
        this.hidden = Classifiers.pooledHidden(model, tokens);
        this.probabilities = Classifiers.probabilities(model, tokens, FfnHook.NONE);
        this.labels = labels.clone();
    }

    @Override
    public double[] lastHidden(int id) {
        return hidden[id];
    }

    @Override
    public double[] classProbabilities(int id) {
        return probabilities[id];
    }

    @Override
    public int label(int id) {
        return labels[id];
    }
}
