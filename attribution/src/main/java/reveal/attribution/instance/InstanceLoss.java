package reveal.attribution.instance;

import reveal.engine.Tensor;

/**
 * The loss of a model on instances of one split, as instance attribution differentiates it. Implementations
 * return the <em>mean of the per-instance losses</em> of the batch (for a classifier, cross-entropy of the class
 * logits against the gold label; for a causal LM, the per-instance mean token loss), recorded on the autograd
 * graph so that it can be differentiated twice with respect to the selected parameters.
 */
public interface InstanceLoss {
    Tensor loss(int[] instanceIds);
}
