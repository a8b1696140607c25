package reveal.eval.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reveal.attribution.bridge.Neuron;
import reveal.attribution.bridge.NeuronAttribution;
import reveal.attribution.bridge.Rankings;
import reveal.attribution.instance.InstanceAttribution;
import reveal.attribution.neuron.InstanceNeurons;
import reveal.attribution.store.RecordLog;
import reveal.attribution.store.RowMatrix;

/** Reads what earlier stages left in the run folder, in the shapes later stages use. */
final class Results {
    private Results() {
    }

    /** The neuron records of a split, by position; every position must be present. */
    static List<InstanceNeurons> neuronRecords(Workspace ws, String file, int n) {
        InstanceNeurons[] byPosition = new InstanceNeurons[n];
        for (Map<String, Object> r : RecordLog.readAll(ws.path(file))) {
            InstanceNeurons rec = InstanceNeurons.fromRecord(r);
            int id = rec.selected().instanceId();
            if (id < 0 || id >= n) throw new IllegalStateException(ws.path(file) + ": record for instance " + id + " outside the split's " + n);
            byPosition[id] = rec;
        }
        for (int i = 0; i < n; i++)
            if (byPosition[i] == null) throw new IllegalStateException(ws.path(file) + " has no record for instance " + i + "; rerun to complete it");
        return List.of(byPosition);
    }

    static List<NeuronAttribution> neurons(Workspace ws, String file, int n) {
        return neuronRecords(ws, file, n).stream().map(InstanceNeurons::selected).toList();
    }

    /** IA scores {@code [test][train]} of one method. */
    static double[][] ia(Workspace ws, InstanceAttribution.Method method) {
        try (RowMatrix m = RowMatrix.load(InstanceAttribution.matrixPath(ws.path("ia"), method, InstanceAttribution.Sign.PAPER))) {
            return m.testMajor();
        }
    }

    /** Every instance ranking's scores {@code [test][train]}: the IA methods, then NA-Instances. */
    static Map<String, double[][]> instanceScores(Workspace ws) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        Pipeline.IA_METHODS.forEach((name, method) -> out.put(name, ia(ws, method)));
        try (RowMatrix m = RowMatrix.load(ws.path("bridge/na_instances"))) {
            out.put(Pipeline.NA_INSTANCES, m.testMajor());
        }
        return out;
    }

    /** Each ranking aggregated over the test set as a rank-sum (lower = more influential), the retraining's order. */
    static Map<String, double[]> rankSums(Workspace ws, int nTrain) {
        Map<String, double[]> out = new LinkedHashMap<>();
        instanceScores(ws).forEach((name, scores) -> {
            if (scores[0].length != nTrain) throw new IllegalStateException(name + " scores have " + scores[0].length + " training columns, the task " + nTrain);
            out.put(name, Rankings.rankSum(scores));
        });
        return out;
    }

    /** Per test row, the top {@code k} training positions (fewer where fewer have evidence). */
    static List<int[]> tops(double[][] testMajor, int k) {
        List<int[]> out = new ArrayList<>(testMajor.length);
        for (double[] row : testMajor) out.add(Rankings.top(row, k));
        return out;
    }

    /** Neuron lists stored as {@code [["3-17", ...], ...]}. */
    static List<List<Neuron>> neuronLists(Object json) {
        List<List<Neuron>> out = new ArrayList<>();
        for (Object row : (List<?>) json) {
            List<Neuron> ns = new ArrayList<>();
            for (Object key : (List<?>) row) ns.add(parse((String) key));
            out.add(ns);
        }
        return out;
    }

    static Neuron parse(String key) {
        int dash = key.indexOf('-');
        return new Neuron(Integer.parseInt(key.substring(0, dash)), Integer.parseInt(key.substring(dash + 1)));
    }
}
