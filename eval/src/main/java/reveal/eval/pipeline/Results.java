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
     * A copy of a score matrix where NA-Instances' minus infinity (no shared neuron) becomes a finite score just
     * below the row's lowest finite one (by 1/N of the row's range), so it still ranks last, as it does in retrieval
     * and the rank-sums, and sums over subsets stay finite; a row with no finite score becomes all 0. NaN is an error.
     */
    static double[][] finite(double[][] scores) {
        double[][] out = new double[scores.length][];
        for (int t = 0; t < scores.length; t++) {
            double[] row = scores[t];
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < row.length; i++) {
                if (Double.isNaN(row[i])) throw new IllegalStateException("score of training instance " + i + " for test instance " + t + " is NaN");
                if (Double.isFinite(row[i])) {
                    lo = Math.min(lo, row[i]);
                    hi = Math.max(hi, row[i]);
                }
            }
            double floor = lo == Double.POSITIVE_INFINITY ? 0 : lo - Math.max(hi - lo, 1e-12) / row.length;
            out[t] = row.clone();
            for (int i = 0; i < row.length; i++) if (!Double.isFinite(row[i])) out[t][i] = floor;
        }
        return out;
    }
}
