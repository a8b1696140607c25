package reveal.eval.faithfulness;

import java.util.LinkedHashMap;
import java.util.Map;
import reveal.engine.nn.Functional;

/**
 * What an intervention did to a set of predictions (paper-method 8.1): the share of instances whose predicted class
 * changed, and the mean drop of the originally predicted class's probability, {@code mean_t (p_t[y_t] - p'_t[y_t])}
 * with {@code y_t = argmax p_t}. A negative drop means the intervention made the model more confident.
 */
public record BlockingEffect(int instances, double changeRate, double probabilityDrop) {

    /** @param base class probabilities without the intervention, {@code [instance][class]}; {@code edited} with it */
    public static BlockingEffect measure(double[][] base, double[][] edited) {
        if (base.length != edited.length) throw new IllegalArgumentException("blocking effect: " + base.length + " baseline rows but " + edited.length + " edited rows");
        if (base.length == 0) throw new IllegalArgumentException("blocking effect: no instances");
        int changed = 0;
        double drop = 0;
        for (int t = 0; t < base.length; t++) {
            if (base[t].length != edited[t].length) throw new IllegalArgumentException("blocking effect: row " + t + " has " + base[t].length + " baseline classes but " + edited[t].length + " edited");
            int y = Functional.argmax(base[t]);
            if (Functional.argmax(edited[t]) != y) changed++;
            drop += base[t][y] - edited[t][y];
        }
        return new BlockingEffect(base.length, (double) changed / base.length, drop / base.length);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instances", instances);
        m.put("change_rate", changeRate);
        m.put("probability_drop", probabilityDrop);
        return m;
    }
}
