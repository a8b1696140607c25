package reveal.attribution.instance;

import java.util.Arrays;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;

/**
 * Cross-entropy of a linear classification head {@code W [C, H]} over frozen final hidden states: the loss the
 * paper's instance attribution differentiates. The backbone runs once per instance (outside, without a graph) and
 * only {@code W} is on the graph, so every gradient and Hessian-vector product costs a C x H product.
 */
public final class HeadOnlyLoss implements InstanceLoss {
    private final Tensor weight;
    private final Tensor hidden;
    private final int[] labels;

    /** {@code hidden[i]} is instance i's pooled final hidden state and {@code labels[i]} its gold class. */
    public HeadOnlyLoss(Tensor weight, double[][] hidden, int[] labels) {
        if (weight.rank() != 2) throw new IllegalArgumentException("HeadOnlyLoss: head weight must be [classes, hidden], got " + Arrays.toString(weight.shape()));
        if (hidden.length != labels.length) throw new IllegalArgumentException("HeadOnlyLoss: " + hidden.length + " hidden states for " + labels.length + " labels");
        int h = weight.dim(1), c = weight.dim(0);
        double[] flat = new double[hidden.length * h];
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i].length != h) throw new IllegalArgumentException("HeadOnlyLoss: hidden state " + i + " has " + hidden[i].length + " values, the head expects " + h);
            if (labels[i] < 0 || labels[i] >= c) throw new IllegalArgumentException("HeadOnlyLoss: label " + labels[i] + " of instance " + i + " outside [0, " + c + ")");
            System.arraycopy(hidden[i], 0, flat, i * h, h);
        }
        this.weight = weight;
        this.hidden = Tensor.of(weight.backend(), flat, hidden.length, h);
        this.labels = labels.clone();
    }

    @Override
    public Tensor loss(int[] ids) {
        int[] y = new int[ids.length];
        for (int i = 0; i < ids.length; i++) y[i] = labels[ids[i]];
        return Functional.crossEntropy(Functional.linear(hidden.gatherRows(ids), weight, null), y);
    }
}
