package reveal.eval.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reveal.eval.analysis.KnownAnswerScores;
import reveal.eval.faithfulness.NeuronFaithfulness;
import reveal.eval.faithfulness.Retraining;
import reveal.eval.stats.Comparisons;
import reveal.eval.stats.Lds;
import reveal.eval.stats.Outcome;
import reveal.eval.stats.TestSettings;
import reveal.eval.stats.Verdict;

/**
 * Every comparison the report makes, as a {@link Verdict} with a stable id: what is claimed, the effect with its
 * interval, and supported / not supported / inconclusive. The margins are the smallest effects worth reporting: a
 * claim is "not supported" when its whole interval lies below the margin (a difference too small to matter, or
 * reversed), while "supported" needs only an interval above 0 and a small p, so a real but small effect is still
 * reported, with its size; docs/method.md, "Evaluation: verdicts", explains each choice.
 */
final class Verdicts {
    /** Accuracy points: the fine-tuned model against the majority class, and the retraining comparisons. */
    static final double ACCURACY_MARGIN = 0.02;
    /** Reciprocal rank and precision@k of the known-answer retrieval. */
    static final double RETRIEVAL_MARGIN = 0.01;
    /** The predicted class's probability under a neuron edit. */
    static final double PROBABILITY_MARGIN = 0.01;
    /** A mean Spearman correlation. */
    static final double LDS_MARGIN = 0.05;

    private final TestSettings settings;
    /** Method ids whose evidence failed a sanity check, with the reason: their verdicts are all inconclusive. */
    private final Map<String, String> blocked = new java.util.HashMap<>();

    Verdicts(double level, long seed) {
        TestSettings d = TestSettings.defaults();
        this.settings = new TestSettings(level, d.resamples(), d.permutations(), seed);
    }

    /** Every later verdict about {@code method} is inconclusive for {@code reason} (e.g. LiSSA did not converge). */
    void block(String method, String reason) {
        blocked.put(id(method), reason);
    }

    private Verdict checked(String method, Verdict v) {
        String reason = blocked.get(id(method));
        return reason == null ? v : inconclusive(v, reason);
    }

    /** Method names as the report shows them, to the ids the verdicts use. */
    static String id(String method) {
        return Verdict.methodId(method);
    }

    /**
     * The fine-tuned model's accuracy against the majority class's on the same test set. That baseline is a number
     * fixed by the test labels, not a second noisy predictor, so it is the comparison arm as a constant.
     */
    Verdict finetuneLearns(double[] correct, double majorityAccuracy) {
        double[] baseline = new double[correct.length];
        java.util.Arrays.fill(baseline, majorityAccuracy);
        return Comparisons.greater("finetune.learns", "The fine-tuned model answers the test set better than always predicting the majority class",
                new double[][] {correct}, new double[][] {baseline}, ACCURACY_MARGIN, settings);
    }

    List<Verdict> retrieval(String method, KnownAnswerScores.Score score, KnownAnswerScores.Score random) {
        String m = id(method);
        return List.of(
                checked(method, Comparisons.greater("retrieval." + m + ".mrr_vs_random", method + " ranks a training claim about the test claim's fact higher than a random ranking (reciprocal rank)",
                        new double[][] {score.reciprocalRank()}, new double[][] {random.reciprocalRank()}, RETRIEVAL_MARGIN, settings)),
                checked(method, Comparisons.greater("retrieval." + m + ".precision_vs_random", method + " puts more training claims about the test claim's fact in its top k than a random ranking (precision@k)",
                        new double[][] {score.precision()}, new double[][] {random.precision()}, RETRIEVAL_MARGIN, settings)));
    }

    /**
     * @param method   the ranking the set comes from (IA-Neurons), or null for NA's own neurons
     * @param idPrefix e.g. {@code neurons.na} or {@code neurons.ia_neurons.gs_dot}
     */
    List<Verdict> neurons(String method, String idPrefix, NeuronFaithfulness.SetResult set) {
        List<Verdict> out = new ArrayList<>();
        for (NeuronFaithfulness.ModeResult mode : set.modes()) {
            String what = switch (mode.mode()) {
                case SUPPRESS -> "Suppressing the " + set.name() + " neurons lowers the predicted class's probability more than suppressing random neurons";
                case ENHANCE -> "Doubling the " + set.name() + " neurons raises the predicted class's probability more than doubling random neurons";
                case SUFFICIENCY -> "Keeping only the " + set.name() + " neurons preserves the predicted class's probability better than keeping only random neurons";
            };
            Verdict v = Comparisons.greater(idPrefix + "." + mode.mode().label() + "_vs_random", what, mode.signedReal(), mode.signedControls(), PROBABILITY_MARGIN, settings);
            out.add(method == null ? v : checked(method, v));
        }
        return out;
    }

    Verdict specificity(NeuronFaithfulness.Specificity s) {
        return Comparisons.greater("neurons.na.specificity", "Suppressing a claim's NA neurons lowers its own predicted probability more than it lowers that of claims about other facts",
                new double[][] {s.own().drop()}, new double[][] {s.otherDrop()}, PROBABILITY_MARGIN, settings);
    }

    /** most vs random, most vs least and random vs least, per ranking and fraction; all inconclusive when the gate failed. */
    List<Verdict> retraining(Retraining.Result r, Iterable<String> rankings, double[] fractions) {
        List<Verdict> out = new ArrayList<>();
        for (double f : fractions) {
            String pct = String.valueOf(Math.round(100 * f));
            Retraining.Cell random = r.cell(null, Retraining.Arm.RANDOM, f);
            for (String name : rankings) {
                String m = "retraining." + id(name) + ".";
                Retraining.Cell most = r.cell(name, Retraining.Arm.MOST, f), least = r.cell(name, Retraining.Arm.LEAST, f);
                out.add(gated(r.gate(), name, Comparisons.greater(m + "most_vs_random." + pct, "Retraining on " + name + "'s most influential " + pct
                        + "% gives higher test accuracy than retraining on a random " + pct + "%", most.correct(), random.correct(), ACCURACY_MARGIN, settings)));
                out.add(gated(r.gate(), name, Comparisons.greater(m + "most_vs_least." + pct, "Retraining on " + name + "'s most influential " + pct
                        + "% gives higher test accuracy than on its least influential " + pct + "%", most.correct(), least.correct(), ACCURACY_MARGIN, settings)));
                out.add(gated(r.gate(), name, Comparisons.greater(m + "random_vs_least." + pct, "Retraining on a random " + pct + "% gives higher test accuracy than on "
                        + name + "'s least influential " + pct + "%", random.correct(), least.correct(), ACCURACY_MARGIN, settings)));
            }
        }
        return out;
    }

    private Verdict gated(Retraining.Gate gate, String method, Verdict v) {
        return gate.passed() ? checked(method, v) : inconclusive(v, gate.reason());
    }

    /** The LDS of one method above zero; inconclusive when {@code blocked} names a failed sanity check. */
    Verdict lds(String method, Lds.Result r, String blocked) {
        String id = "lds." + id(method), claim = "Summing " + method + "'s scores over a training subset predicts the subset model's test margins (mean Spearman correlation above 0)";
        if (r.perTest().length < 2)
            return new Verdict(id, claim, Outcome.INCONCLUSIVE, r.mean(), null, Double.NaN, r.perTest().length, 1,
                    r.leftOut().length + " test instances have constant margins or predictions over the subset models, too few are left");
        Verdict v = Comparisons.positive(id, claim, new double[][] {r.perTest()}, LDS_MARGIN, settings);
        return blocked == null ? checked(method, v) : inconclusive(v, blocked);
    }

    /** The same evidence, declared inconclusive because a sanity check failed (the reason says which). */
    static Verdict inconclusive(Verdict v, String reason) {
        return new Verdict(v.id(), v.claim(), Outcome.INCONCLUSIVE, v.effect(), v.interval(), v.p(), v.units(), v.replicates(), reason);
    }

    static List<Map<String, Object>> toJson(List<Verdict> verdicts) {
        return verdicts.stream().map(Verdict::toJson).toList();
    }

}
