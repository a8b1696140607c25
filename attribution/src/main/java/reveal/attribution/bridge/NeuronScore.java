package reveal.attribution.bridge;

/** One selected neuron of an instance with its attribution score. */
public record NeuronScore(int layer, int neuron, double score) {
    public Neuron key() {
        return new Neuron(layer, neuron);
    }
}
