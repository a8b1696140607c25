package reveal.model;

import java.util.Arrays;
import reveal.model.arch.FfnPoint;

/**
 * One edit of FFN neurons during a forward pass: at {@code layer}'s hook {@code point}, the {@code neurons} at the
 * chosen token positions are set to 0 ({@link Op#ZERO}), multiplied by {@code value} ({@link Op#SCALE}) or set to
 * {@code value} ({@link Op#SET}). Everything downstream is recomputed.
 */
public record NeuronEdit(int layer, FfnPoint point, int[] neurons, Op op, double value, Tokens tokens) {

    public enum Op { ZERO, SCALE, SET }

    /** Which token positions an edit touches: every position (padding too), each row's last real token, or a list. */
    public record Tokens(Kind kind, int[] positions) {
        public enum Kind { ALL, LAST, LIST }

        public Tokens {
            positions = positions == null ? new int[0] : positions.clone();
            for (int p : positions) if (p < 0) throw new IllegalArgumentException("token position " + p + " is negative");
        }

        public static Tokens all() {
            return new Tokens(Kind.ALL, null);
        }

        public static Tokens last() {
            return new Tokens(Kind.LAST, null);
        }

        public static Tokens at(int... positions) {
            return new Tokens(Kind.LIST, positions);
        }

        @Override
        public int[] positions() {
            return positions.clone();
        }

        @Override
        public String toString() {
            return kind == Kind.LIST ? Arrays.toString(positions) : kind.name().toLowerCase();
        }
    }

    public NeuronEdit {
        neurons = neurons.clone();
        if (layer < 0) throw new IllegalArgumentException("neuron edit: negative layer " + layer);
        for (int j : neurons) if (j < 0) throw new IllegalArgumentException("neuron edit: negative neuron index " + j);
    }

    /** Zeroes the neurons' activations (the POST hook point). */
    public static NeuronEdit zero(int layer, int[] neurons, Tokens tokens) {
        return new NeuronEdit(layer, FfnPoint.POST, neurons, Op.ZERO, 0.0, tokens);
    }

    public static NeuronEdit scale(int layer, int[] neurons, double factor, Tokens tokens) {
        return new NeuronEdit(layer, FfnPoint.POST, neurons, Op.SCALE, factor, tokens);
    }

    public static NeuronEdit set(int layer, int[] neurons, double value, Tokens tokens) {
        return new NeuronEdit(layer, FfnPoint.POST, neurons, Op.SET, value, tokens);
    }

    /** The same edit at another hook point. */
    public NeuronEdit at(FfnPoint other) {
        return new NeuronEdit(layer, other, neurons, op, value, tokens);
    }

    @Override
    public int[] neurons() {
        return neurons.clone();
    }

    @Override
    public String toString() {
        return op.name().toLowerCase() + (op == Op.ZERO ? "" : " " + value) + " layer " + layer + " " + point
                + " neurons " + Arrays.toString(neurons) + " at " + tokens;
    }
}
