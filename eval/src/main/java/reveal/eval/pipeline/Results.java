package reveal.eval.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reveal.attribution.bridge.Rankings;
import reveal.attribution.run.AttributionRun;

/** The attribution results in the shapes the later stages and the summary use. */
final class Results {
    private Results() {
    }

    /** Every instance ranking's scores {@code [test][train]} by report name: the IA methods, then NA-Instances. */
    static Map<String, double[][]> instanceScores(AttributionRun run) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        Pipeline.IA_METHODS.forEach((name, method) -> out.put(name, run.instanceScores(method)));
        out.put(Pipeline.NA_INSTANCES, run.naInstanceScores());
        return out;
    }

    /** Each ranking aggregated over the test set as a rank-sum (lower = more influential), the retraining's order. */
    static Map<String, double[]> rankSums(AttributionRun run, int nTrain) {
        Map<String, double[]> out = new LinkedHashMap<>();
        instanceScores(run).forEach((name, scores) -> {
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

    /**
     * A copy of a score matrix with every non-finite score (NA-Instances' minus infinity: no shared neuron) set to
     * 0, so that sums over subsets mean "no evidence adds nothing".
     */
    static double[][] finite(double[][] scores) {
        double[][] out = new double[scores.length][];
        for (int t = 0; t < scores.length; t++) {
            out[t] = scores[t].clone();
            for (int i = 0; i < out[t].length; i++) if (!Double.isFinite(out[t][i])) out[t][i] = 0;
        }
        return out;
    }
}
