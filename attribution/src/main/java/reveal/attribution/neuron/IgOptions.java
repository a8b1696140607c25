package reveal.attribution.neuron;

import reveal.model.arch.FfnPoint;
import reveal.model.io.ModelConfig;

/**
 * Settings of integrated gradients over FFN neurons.
 *
 * @param steps      m, the number of points on the path
 * @param quadrature where the points sit
 * @param point      the neuron definition: {@link FfnPoint#POST} the activation output feeding the second projection
 *                   (the fixtures', and what neuron edits act on), {@link FfnPoint#PRE} the first projection's output
 *                   (the paper's)
 * @param target     the class or next token whose probability is explained, or {@link #PREDICTED}
 * @param position   the token whose activations are attributed, or {@link #LAST} for the last real token (a
 *                   classifier's pooling token: trailing pad ids are skipped, unlike the paper's CSQA code, B3)
 */
public record IgOptions(int steps, Quadrature quadrature, FfnPoint point, int target, int position) {
    public static final int PREDICTED = -1;
    public static final int LAST = -1;
    /** 20 right-Riemann steps over the post-activation neurons of the last token, explaining the prediction. */
    public static final IgOptions DEFAULT = new IgOptions(20, Quadrature.RIGHT, FfnPoint.POST, PREDICTED, LAST);

    public IgOptions {
        if (steps < 1) throw new IllegalArgumentException("integrated gradients needs at least 1 step, got " + steps);
        if (quadrature == null || point == null) throw new IllegalArgumentException("integrated gradients needs a quadrature and a neuron point");
        if (target < PREDICTED) throw new IllegalArgumentException("target " + target + " is neither a class/token id nor PREDICTED (-1)");
        if (position < LAST) throw new IllegalArgumentException("position " + position + " is neither a token index nor LAST (-1)");
    }

    /**
     * The paper's neuron for an architecture: the first FFN projection's output before the activation (fc1 /
     * dense_h_to_4h), whose zero also zeroes the neuron's output. In a gated FFN (Llama's SwiGLU) that point is only
     * the gate: the neuron's output is silu(gate) * up, so there the down projection's input is the neuron.
     */
    public static FfnPoint paperPoint(ModelConfig config) {
        return config.arch() == ModelConfig.Arch.LLAMA ? FfnPoint.POST : FfnPoint.PRE;
    }

    public IgOptions withTarget(int t) {
        return new IgOptions(steps, quadrature, point, t, position);
    }

    public IgOptions withPosition(int p) {
        return new IgOptions(steps, quadrature, point, target, p);
    }
}
