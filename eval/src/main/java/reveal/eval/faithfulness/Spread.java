package reveal.eval.faithfulness;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mean and sample standard deviation (n - 1 in the denominator; 0 for a single run) of repeated measurements,
 * e.g. a random control run with several seeds. The runs are kept so a report can show them.
 */
public record Spread(double mean, double std, double[] runs) {

    public static Spread of(double... runs) {
        if (runs.length == 0) throw new IllegalArgumentException("spread of no runs");
        double mean = Arrays.stream(runs).average().orElseThrow();
        double ss = 0;
        for (double r : runs) ss += (r - mean) * (r - mean);
        double std = runs.length > 1 ? Math.sqrt(ss / (runs.length - 1)) : 0;
        return new Spread(mean, std, runs.clone());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", mean);
        m.put("std", std);
        m.put("runs", runs);
        return m;
    }
}
