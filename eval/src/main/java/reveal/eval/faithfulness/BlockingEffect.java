package reveal.eval.faithfulness;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import reveal.engine.nn.Functional;

/**
 * What an intervention did to a set of predictions (see docs/method.md, "Neuron tests"), instance by instance:
 * whether the predicted class changed (1 or 0), and how far the originally predicted class's probability dropped,
 * {@code p_t[y_t] - p'_t[y_t]} with {@code y_t = argmax p_t} (negative: the edit made the model more confident).
 * Their means are the paper's two metrics; the per-instance values let a verdict pair instances across edits.
 */
public record BlockingEffect(double[] changed, double[] drop) {

    public BlockingEffect {
        if (changed.length != drop.length) throw new IllegalArgumentException("blocking effect: " + changed.length + " change flags but " + drop.length + " drops");
    }

    /** @param base class probabilities without the intervention, {@code [instance][class]}; {@code edited} with it */
    public static BlockingEffect measure(double[][] base, double[][] edited) {
        if (base.length != edited.length) throw new IllegalArgumentException("blocking effect: " + base.length + " baseline rows but " + edited.length + " edited rows");
        if (base.length == 0) throw new IllegalArgumentException("blocking effect: no instances");
        double[] changed = new double[base.length], drop = new double[base.length];
        for (int t = 0; t < base.length; t++) {
            if (base[t].length != edited[t].length) throw new IllegalArgumentException("blocking effect: row " + t + " has " + base[t].length + " baseline classes but " + edited[t].length + " edited");
            int y = Functional.argmax(base[t]);
            changed[t] = Functional.argmax(edited[t]) != y ? 1 : 0;
            drop[t] = base[t][y] - edited[t][y];
        }
        return new BlockingEffect(changed, drop);
    }

    public int instances() {
        return drop.length;
    }

    /** The share of instances whose predicted class changed. */
    public double changeRate() {
        return Arrays.stream(changed).average().orElse(0);
    }

    /** The mean drop of the originally predicted class's probability. */
    public double probabilityDrop() {
        return Arrays.stream(drop).average().orElse(0);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instances", instances());
        m.put("change_rate", changeRate());
        m.put("probability_drop", probabilityDrop());
        return m;
    }
}
