package reveal.attribution.bridge;

/** An FFN neuron: index {@code index} of layer {@code layer}'s intermediate activation. */
public record Neuron(int layer, int index) {
    /** The paper's "layer-index" key. */
    @Override
    public String toString() {
        return layer + "-" + index;
    }
}
