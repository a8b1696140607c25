package reveal.attribution.instance;

import java.util.List;
import reveal.engine.Tensor;
import reveal.model.LanguageModel;

/**
 * The per-instance loss of a {@link LanguageModel} on tokenized, unpadded examples: for a classifier the
 * cross-entropy of the pooled class logits against the gold label, for a causal LM the mean next-token
 * cross-entropy of the sequence. A batch's loss is the mean of its examples' losses (each example runs alone, so
 * an LM example's weight does not depend on its length). This is the fixtures' definition (README 8.7/8.8).
 */
public final class ModelLoss implements InstanceLoss {
    private final LanguageModel model;
    private final List<int[]> tokens;
    private final int[] labels;

    private ModelLoss(LanguageModel model, List<int[]> tokens, int[] labels) {
        this.model = model;
        this.tokens = List.copyOf(tokens);
        this.labels = labels == null ? null : labels.clone();
        if (labels != null && labels.length != tokens.size()) throw new IllegalArgumentException("ModelLoss: " + labels.length + " labels for " + tokens.size() + " examples");
        for (int i = 0; i < tokens.size(); i++) {
            int min = labels == null ? 2 : 1;
            if (tokens.get(i).length < min) throw new IllegalArgumentException("ModelLoss: example " + i + " has " + tokens.get(i).length + " tokens, needs at least " + min);
        }
    }

    /** Cross-entropy of the class logits (pooled at the last token) against {@code labels[i]}. */
    public static ModelLoss classification(LanguageModel model, List<int[]> tokens, int[] labels) {
        return new ModelLoss(model, tokens, labels);
    }

    /** Mean next-token cross-entropy over each sequence. */
    public static ModelLoss languageModeling(LanguageModel model, List<int[]> tokens) {
        return new ModelLoss(model, tokens, null);
    }

    @Override
    public Tensor loss(int[] ids) {
        Tensor sum = null;
        for (int id : ids) {
            int[][] x = {tokens.get(id)};
            Tensor l = labels == null ? model.lmLoss(x, null, null) : model.classLoss(x, null, new int[] {labels[id]}, null);
            sum = sum == null ? l : sum.add(l);
        }
        return ids.length == 1 ? sum : sum.div(ids.length);
    }
}
