package reveal.attribution.neuron;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reveal.attribution.bridge.NeuronAttribution;
import reveal.engine.io.Json;

/**
 * The neuron-attribution record of one instance: its selected neurons by score (with predicted and gold label),
 * the target explained, F(a), the per-layer completeness gap, and optionally the full attribution rows.
 *
 * @param rows {@code [layer][neuron]} attributions, or null when not kept
 */
public record InstanceNeurons(NeuronAttribution selected, int target, double probability, double[] completenessGap, double[][] rows) {

    /** {@link NeuronAttribution#toRecord()} plus {@code target}, {@code probability}, {@code completeness_gap} and {@code rows}. */
    public Map<String, Object> toRecord() {
        Map<String, Object> r = new LinkedHashMap<>(selected.toRecord());
        r.put("target", target);
        r.put("probability", probability);
        r.put("completeness_gap", completenessGap);
        if (rows != null) r.put("rows", rows);
        return r;
    }

    public static InstanceNeurons fromRecord(Map<String, Object> r) {
        List<?> rows = (List<?>) r.get("rows");
        double[][] table = rows == null ? null : rows.stream().map(Json::doubles).toArray(double[][]::new);
        return new InstanceNeurons(NeuronAttribution.fromRecord(r), ((Number) r.get("target")).intValue(),
                ((Number) r.get("probability")).doubleValue(), Json.doubles(r.get("completeness_gap")), table);
    }
}
