package reveal.attribution.instance;

import java.util.List;
import java.util.function.IntFunction;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;
import reveal.model.LanguageModel;
import reveal.model.data.Batch;
import reveal.model.data.PromptEncoder;

/**
 * The per-instance loss of a {@link LanguageModel} on tokenized, unpadded examples: for a classifier the
 * cross-entropy of the pooled class logits against the gold label, for a causal LM the mean next-token
 * cross-entropy of the sequence, for a multiple-choice scorer the cross-entropy of the softmax over the choices'
 * scores. A batch's loss is the mean of its examples' losses (each example runs alone, so an LM example's weight
 * does not depend on its length). This is the fixtures' definition (README 8.7/8.8).
 */
public final class ModelLoss implements InstanceLoss {
    private final IntFunction<Tensor> lossOf;

    private ModelLoss(IntFunction<Tensor> lossOf) {
        this.lossOf = lossOf;
    }

    /** Cross-entropy of the class logits (pooled at the last token) against {@code labels[i]}. */
    public static ModelLoss classification(LanguageModel model, List<int[]> tokens, int[] labels) {
        if (labels.length != tokens.size()) throw new IllegalArgumentException("ModelLoss: " + labels.length + " labels for " + tokens.size() + " examples");
        checkLengths(tokens, 1);
        List<int[]> x = List.copyOf(tokens);
        int[] y = labels.clone();
        return new ModelLoss(id -> model.classLoss(new int[][] {x.get(id)}, null, new int[] {y[id]}, null));
    }

    /** Mean next-token cross-entropy over each sequence. */
    public static ModelLoss languageModeling(LanguageModel model, List<int[]> tokens) {
        checkLengths(tokens, 2);
        List<int[]> x = List.copyOf(tokens);
        return new ModelLoss(id -> model.lmLoss(new int[][] {x.get(id)}, null, null));
    }

    /** Cross-entropy of the softmax over each instance's choice scores (a one-label scorer) against its answer. */
    public static ModelLoss choices(LanguageModel scorer, List<int[][]> choices, int[] answers) {
        if (answers.length != choices.size()) throw new IllegalArgumentException("ModelLoss: " + answers.length + " answers for " + choices.size() + " examples");
        for (int[][] c : choices) checkLengths(List.of(c), 1);
        List<int[][]> x = List.copyOf(choices);
        int[] y = answers.clone();
        int pad = scorer.config().padTokenId() != null ? scorer.config().padTokenId() : 0;
        return new ModelLoss(id -> {
            Batch batch = PromptEncoder.batch(List.of(x.get(id)), pad, 0);
            Tensor scores = scorer.classLogits(batch.ids(), batch.attentionMask(), null).reshape(1, -1);
            return Functional.crossEntropy(scores, new int[] {y[id]});
        });
    }

    private static void checkLengths(List<int[]> tokens, int min) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).length < min) throw new IllegalArgumentException("ModelLoss: example " + i + " has " + tokens.get(i).length + " tokens, needs at least " + min);
        }
    }

    @Override
    public Tensor loss(int[] ids) {
        Tensor sum = null;
        for (int id : ids) {
            Tensor l = lossOf.apply(id);
            sum = sum == null ? l : sum.add(l);
        }
        return ids.length == 1 ? sum : sum.div(ids.length);
    }
}
