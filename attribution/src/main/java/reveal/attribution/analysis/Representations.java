package reveal.attribution.analysis;

/**
 * What the fine-tuned model says about an instance: the final hidden state (after the final norm) at the pooled
 * last token, the class probabilities and the gold label. The model layer provides it; the analyses only read it.
 */
public interface Representations {
    double[] lastHidden(int id);

    double[] classProbabilities(int id);

    int label(int id);
}
