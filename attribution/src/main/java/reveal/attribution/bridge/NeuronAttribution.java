package reveal.attribution.bridge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/**
 * The neuron-attribution result of one instance: its predicted and gold class and its selected neurons with their
 * scores, in any order (the paper stores them layer-major, not by score).
 */
public record NeuronAttribution(int instanceId, int predicted, int gold, List<NeuronScore> neurons) {
    public NeuronAttribution {
        neurons = List.copyOf(neurons);
    }

    /** Neurons by score, highest first; equal scores keep their stored order (a stable sort). */
    public List<NeuronScore> ranked() {
        List<NeuronScore> r = new ArrayList<>(neurons);
        r.sort(Comparator.comparingDouble(NeuronScore::score).reversed());
        return r;
    }

    /** The {@code k} highest-scoring neurons (all of them when there are fewer). */
    public List<Neuron> top(int k) {
        return ranked().stream().limit(k).map(NeuronScore::key).toList();
    }

    /** The highest-scoring neuron (the first stored one on ties), or null when none was selected. */
    public Neuron strongest() {
        NeuronScore best = null;
        for (NeuronScore n : neurons) if (best == null || n.score() > best.score()) best = n;
        return best == null ? null : best.key();
    }

    /** As a JSON-lines record: {@code {"id", "predicted", "gold", "neurons": [[l, i], ...], "attributions": [...]}}. */
    public Map<String, Object> toRecord() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", instanceId);
        r.put("predicted", predicted);
        r.put("gold", gold);
        List<int[]> keys = new ArrayList<>();
        double[] scores = new double[neurons.size()];
        for (int i = 0; i < scores.length; i++) {
            keys.add(new int[] {neurons.get(i).layer(), neurons.get(i).neuron()});
            scores[i] = neurons.get(i).score();
        }
        r.put("neurons", keys);
        r.put("attributions", scores);
        return r;
    }

    public static NeuronAttribution fromRecord(Map<String, Object> r) {
        List<?> keys = (List<?>) r.get("neurons");
        double[] scores = Json.doubles(r.get("attributions"));
        if (keys.size() != scores.length) throw new IllegalArgumentException("neuron record " + r.get("id") + ": " + keys.size() + " neurons but " + scores.length + " attributions");
        List<NeuronScore> ns = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            int[] li = Json.ints(keys.get(i));
            ns.add(new NeuronScore(li[0], li[1], scores[i]));
        }
        return new NeuronAttribution(((Number) r.get("id")).intValue(), ((Number) r.get("predicted")).intValue(), ((Number) r.get("gold")).intValue(), ns);
    }
}
