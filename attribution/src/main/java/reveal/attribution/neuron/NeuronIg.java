package reveal.attribution.neuron;

/**
 * Integrated gradients of one example over every FFN layer, each layer attributed on its own.
 *
 * @param target              the class or token id whose probability F is explained
 * @param predicted           the argmax of the unmodified output
 * @param position            the token whose activations were attributed
 * @param probability         F(a), the unmodified model's probability of the target
 * @param baselineProbability per layer, F with that layer's activation vector at the position set to zero
 * @param activations         {@code [layer][neuron]} activations a at the position
 * @param attributions        {@code [layer][neuron]} a_j times the mean path gradient dF/dx_j
 */
public record NeuronIg(int target, int predicted, int position, double probability, double[] baselineProbability,
                       double[][] activations, double[][] attributions) {

    /**
     * Per layer, {@code sum_j attr - (F(a) - F(0))}: zero for exact integration, O(1/m) for a right Riemann sum,
     * and the gap to expect from the quadrature error and float rounding.
     */
    public double[] completenessGap() {
        double[] gap = new double[attributions.length];
        for (int l = 0; l < gap.length; l++) {
            double sum = 0;
            for (double v : attributions[l]) sum += v;
            gap[l] = sum - (probability - baselineProbability[l]);
        }
        return gap;
    }
}
