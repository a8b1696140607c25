package reveal.eval.faithfulness;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import reveal.attribution.bridge.Neuron;
import reveal.engine.Tensor;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;

/**
 * Edits FFN neurons at each row's last real token (the position the classifier pools and NA attributes), at one
 * hook point, with one neuron set per batch row (paper-method 8.1): {@link Mode#SUPPRESS} sets the set's neurons
 * to 0, {@link Mode#ENHANCE} doubles them, {@link Mode#SUFFICIENCY} sets every other neuron of every layer to 0.
 * A neuron listed twice is edited once. Other positions are untouched.
 */
public final class NeuronSetEdit implements FfnHook {

    public enum Mode {
        SUPPRESS, ENHANCE, SUFFICIENCY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Mode mode;
    private final FfnPoint point;
    private final List<Set<Neuron>> rows;

    /** @param perRow the neuron set of each batch row, in batch order */
    public NeuronSetEdit(Mode mode, FfnPoint point, List<? extends Collection<Neuron>> perRow) {
        this.mode = mode;
        this.point = point;
        this.rows = perRow.stream().map(c -> (Set<Neuron>) new HashSet<>(c)).toList();
    }

    /**
     * An edit of nothing for a batch of {@code rows}: the unedited forward pass, run the way an edited one runs (a
     * hook makes {@code Classifiers} pass the caller's batch as one), so that an unedited probability and an edited
     * one come from identically composed batches and an empty edit changes nothing, bit for bit.
     */
    public static NeuronSetEdit unedited(FfnPoint point, int rows) {
        return new NeuronSetEdit(Mode.SUPPRESS, point, java.util.Collections.nCopies(rows, List.of()));
    }

    @Override
    public Tensor apply(int layer, FfnPoint at, Tensor value, Span span) {
        if (at != point) return value;
        int batch = value.dim(0), length = value.dim(1), width = value.dim(2);
        if (batch != rows.size()) throw new IllegalArgumentException("neuron edit: " + rows.size() + " neuron sets for a batch of " + batch + " rows");
        double[] factor = new double[batch * length * width];
        java.util.Arrays.fill(factor, 1.0);
        boolean any = false;
        double keep = mode == Mode.ENHANCE ? 2.0 : 0.0;
        for (int b = 0; b < batch; b++) {
            int t = span.lastReal()[b] - span.start();
            if (t < 0 || t >= length) continue; // the target token is not among this call's tokens
            int base = (b * length + t) * width;
            if (mode == Mode.SUFFICIENCY) {
                for (int i = 0; i < width; i++) factor[base + i] = 0;
                any = true;
            }
            for (Neuron n : rows.get(b)) {
                if (n.layer() != layer) continue;
                if (n.index() < 0 || n.index() >= width) throw new IllegalArgumentException("neuron edit: neuron " + n + " outside the " + width + " neurons of layer " + layer);
                factor[base + n.index()] = mode == Mode.SUFFICIENCY ? 1.0 : keep;
                any = true;
            }
        }
        return any ? value.mul(Tensor.of(value.backend(), factor, batch, length, width)) : value;
    }
}
