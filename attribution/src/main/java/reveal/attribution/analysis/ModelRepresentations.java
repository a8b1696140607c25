package reveal.attribution.analysis;

import java.util.Arrays;
import java.util.List;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;

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
        // The class head reads exactly these states, so the probabilities need no second pass over the backbone.
        int width = hidden.length == 0 ? 0 : hidden[0].length;
        double[] flat = new double[hidden.length * width];
        for (int i = 0; i < hidden.length; i++) System.arraycopy(hidden[i], 0, flat, i * width, width);
        try (Autograd.Scope s = Autograd.noGrad()) {
            double[] p = model.classHead(Tensor.of(model.backend(), flat, hidden.length, width)).softmax(-1).toDoubleArray();
            int classes = model.config().numLabels();
            this.probabilities = new double[hidden.length][];
            for (int i = 0; i < hidden.length; i++) probabilities[i] = Arrays.copyOfRange(p, i * classes, (i + 1) * classes);
        }
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
