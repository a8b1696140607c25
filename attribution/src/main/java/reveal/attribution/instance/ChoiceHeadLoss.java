package reveal.attribution.instance;

import java.util.Arrays;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;

/**
 * The listwise multiple-choice loss (CSQA) of a one-label scoring head {@code w [1, H]} over frozen final hidden
 * states: each choice j of an instance scores {@code s_j = w . h_j}, and the loss is the cross-entropy of the
 * softmax over the instance's choices against the answer. One softmax, as the paper intends (its code applies two,
 * bug B5): {@code dL/dw = sum_j (softmax(s)_j - [j = y]) h_j}.
 */
public final class ChoiceHeadLoss implements InstanceLoss {
    private final Tensor weight;
    private final Tensor hidden;
    private final int[] answers;
    private final int choices;

    /** {@code hidden[i][j]} is the pooled final hidden state of instance i's choice j; {@code answers[i]} the right choice. */
    public ChoiceHeadLoss(Tensor weight, double[][][] hidden, int[] answers) {
        if (weight.rank() != 2 || weight.dim(0) != 1) throw new IllegalArgumentException("ChoiceHeadLoss: the scoring head must be [1, hidden], got " + Arrays.toString(weight.shape()));
        if (hidden.length != answers.length) throw new IllegalArgumentException("ChoiceHeadLoss: " + hidden.length + " instances for " + answers.length + " answers");
        if (hidden.length == 0) throw new IllegalArgumentException("ChoiceHeadLoss: no instances");
        int h = weight.dim(1);
        this.choices = hidden[0].length;
        double[] flat = new double[hidden.length * choices * h];
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i].length != choices) throw new IllegalArgumentException("ChoiceHeadLoss: instance " + i + " has " + hidden[i].length + " choices, instance 0 has " + choices);
            if (answers[i] < 0 || answers[i] >= choices) throw new IllegalArgumentException("ChoiceHeadLoss: answer " + answers[i] + " of instance " + i + " outside [0, " + choices + ")");
            for (int j = 0; j < choices; j++) {
                if (hidden[i][j].length != h) throw new IllegalArgumentException("ChoiceHeadLoss: hidden state " + i + "/" + j + " has " + hidden[i][j].length + " values, the head expects " + h);
                System.arraycopy(hidden[i][j], 0, flat, (i * choices + j) * h, h);
            }
        }
        this.weight = weight;
        this.hidden = Tensor.of(weight.backend(), flat, hidden.length * choices, h);
        this.answers = answers.clone();
    }

    @Override
    public Tensor loss(int[] ids) {
        int[] rows = new int[ids.length * choices], y = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < choices; j++) rows[i * choices + j] = ids[i] * choices + j;
            y[i] = answers[ids[i]];
        }
        Tensor scores = Functional.linear(hidden.gatherRows(rows), weight, null).reshape(ids.length, choices);
        return Functional.crossEntropy(scores, y);
    }
}
