package reveal.attribution.run;

import java.util.LinkedHashMap;
import java.util.Map;
import reveal.attribution.neuron.IgOptions;
import reveal.attribution.neuron.NeuronSelection;

/**
 * Neuron-attribution settings: the integrated gradients, and which neurons an instance keeps, either those above
 * {@code threshold} times its largest attribution (the paper's adaptive threshold) or, when {@code topK > 0}, its
 * {@code topK} strongest.
 */
public record NeuronSettings(IgOptions ig, double threshold, int topK) {
    public NeuronSettings {
        if (topK < 0) throw new IllegalArgumentException("top-k neurons: " + topK + " must not be negative");
        if (topK == 0 && !(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("neuron threshold " + threshold + " outside [0, 1]");
    }

    /** The paper's adaptive threshold. */
    public static NeuronSettings threshold(IgOptions ig, double threshold) {
        return new NeuronSettings(ig, threshold, 0);
    }

    NeuronSelection selection() {
        return topK > 0 ? NeuronSelection.topK(topK) : NeuronSelection.threshold(threshold);
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", ig.steps());
        m.put("quadrature", ig.quadrature().name());
        m.put("point", ig.point().name());
        m.put("target", ig.target());
        m.put("position", ig.position());
        if (topK > 0) m.put("top_k", topK);
        else m.put("threshold", threshold);
        return m;
    }
}
