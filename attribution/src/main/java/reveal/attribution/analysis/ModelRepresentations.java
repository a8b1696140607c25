package reveal.attribution.analysis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.model.LanguageModel;

/**
 * {@link Representations} of a fine-tuned classifier over tokenized, unpadded examples: one forward pass per
 * instance without a graph, pooled where the classifier pools; results are kept so each instance runs once.
 */
public final class ModelRepresentations implements Representations {
    private final LanguageModel model;
    private final List<int[]> tokens;
    private final int[] labels;
    private final Map<Integer, double[][]> computed = new HashMap<>();

    public ModelRepresentations(LanguageModel model, List<int[]> tokens, int[] labels) {
        if (labels.length != tokens.size()) throw new IllegalArgumentException("ModelRepresentations: " + labels.length + " labels for " + tokens.size() + " examples");
        this.model = model;
        this.tokens = List.copyOf(tokens);
        this.labels = labels.clone();
    }

    @Override
    public double[] lastHidden(int id) {
        return of(id)[0];
    }

    @Override
    public double[] classProbabilities(int id) {
        return of(id)[1];
    }

    @Override
    public int label(int id) {
        return labels[id];
    }

    /** {hidden state, class probabilities} of one instance. */
    private double[][] of(int id) {
        return computed.computeIfAbsent(id, i -> {
            try (Autograd.Scope s = Autograd.noGrad()) {
                int[][] x = {tokens.get(i)};
                Tensor hidden = model.forward(x, null, null);
                int at = model.poolingIndex(x, null)[0];
                Tensor pooled = hidden.reshape(hidden.dim(1), hidden.dim(2)).slice(0, at, at + 1);
                return new double[][] {pooled.toDoubleArray(), model.classHead(pooled).softmax(-1).toDoubleArray()};
            }
        });
    }
}
