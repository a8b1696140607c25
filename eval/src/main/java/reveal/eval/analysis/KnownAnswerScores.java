package reveal.eval.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reveal.attribution.bridge.Rankings;
import reveal.eval.stats.Comparisons;

/**
 * How well an instance ranking recovers the known answer: for each test claim, the training claims about the same
 * fact are the relevant ones. Precision is taken at k = the number of relevant claims of each test claim
 * (R-precision), so a perfect ranking scores 1; MRR rewards putting any relevant claim first. A second MRR counts
 * only the claims stating the same value (hence with the same label), the most direct evidence.
 */
public final class KnownAnswerScores {
    /** Bootstrap resamples of the test claims behind the confidence intervals. */
    static final int BOOTSTRAP = 2000;

    /**
     * Mean scores over the test claims, with 95% bootstrap intervals (resampling test claims, seeded) of the first
     * two, and the per-claim values behind them ({@code precision}, {@code reciprocalRank}) that the verdicts pair
     * with random's; the intervals are null for the random expectation, which is exact.
     */
    public record Score(double precisionAtK, double mrr, double statementMrr, double[] precisionInterval, double[] mrrInterval,
                        double[] precision, double[] reciprocalRank) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision_at_k", precisionAtK);
            m.put("mrr", mrr);
            m.put("statement_mrr", statementMrr);
            if (precisionInterval != null) m.put("precision_interval", precisionInterval);
            if (mrrInterval != null) m.put("mrr_interval", mrrInterval);
            return m;
        }
    }

    private final List<Set<Integer>> sameFact, sameStatement;
    private final int trainSize;

    /** Ground truth per test row, as training positions (the score matrices' columns). */
    public KnownAnswerScores(List<Set<Integer>> sameFact, List<Set<Integer>> sameStatement, int trainSize) {
        if (sameFact.size() != sameStatement.size()) throw new IllegalArgumentException("known-answer scores: " + sameFact.size() + " same-fact sets but " + sameStatement.size() + " same-statement sets");
        this.sameFact = List.copyOf(sameFact);
        this.sameStatement = List.copyOf(sameStatement);
        this.trainSize = trainSize;
    }

    /** Scores of a {@code [test][train]} score matrix (higher = more influential; −∞ = no evidence, ranked last). */
    public Score score(double[][] testMajor) {
        if (testMajor.length != sameFact.size()) throw new IllegalArgumentException("known-answer scores: " + testMajor.length + " score rows for " + sameFact.size() + " test claims");
        List<int[]> rankings = new ArrayList<>();
        for (double[] row : testMajor) {
            if (row.length != trainSize) throw new IllegalArgumentException("known-answer scores: a score row has " + row.length + " values for " + trainSize + " training claims");
            rankings.add(Rankings.descending(row));
        }
        return scoreRankings(rankings);
    }

    /** Scores of ready rankings, one per test row, most influential first. */
    public Score scoreRankings(List<int[]> rankings) {
        int n = rankings.size();
        double[] p = new double[n], rr = new double[n], srr = new double[n];
        for (int t = 0; t < n; t++) {
            int[] r = rankings.get(t);
            p[t] = Retrieval.precisionAtK(r, sameFact.get(t), Math.max(1, sameFact.get(t).size()));
            rr[t] = Retrieval.reciprocalRank(r, sameFact.get(t));
            srr[t] = Retrieval.reciprocalRank(r, sameStatement.get(t));
        }
        return new Score(mean(p), mean(rr), mean(srr), interval(p), interval(rr), p, rr);
    }

    /** The 95% percentile-bootstrap interval of the mean over resampled test claims (seeded). */
    static double[] interval(double[] values) {
        return Comparisons.meanInterval(values, 0.95, BOOTSTRAP, 42);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** What a uniformly random ranking scores in expectation. */
    public Score random() {
        int n = sameFact.size();
        double[] p = new double[n], rr = new double[n];
        double srr = 0;
        for (int t = 0; t < n; t++) {
            p[t] = Retrieval.randomPrecisionAtK(trainSize, sameFact.get(t).size());
            rr[t] = Retrieval.randomReciprocalRank(trainSize, sameFact.get(t).size());
            srr += Retrieval.randomReciprocalRank(trainSize, sameStatement.get(t).size());
        }
        return new Score(mean(p), mean(rr), srr / n, null, null, p, rr);
    }
}
