package reveal.attribution.bridge;

/** An FFN neuron: index {@code index} of layer {@code layer}'s intermediate activation. */
public record Neuron(int layer, int index) {
    /** The paper's "layer-index" key. */
    @Override
    public String toString() {
        return layer + "-" + index;
    }

    /** A neuron from its "layer-index" key. */
    public static Neuron parse(String key) {
        int dash = key.indexOf('-');
        if (dash < 1) throw new IllegalArgumentException("neuron key '" + key + "' is not layer-index");
        return new Neuron(Integer.parseInt(key.substring(0, dash)), Integer.parseInt(key.substring(dash + 1)));
    }
}
