package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.eval.faithfulness.Retraining;
import reveal.eval.faithfulness.SubsetModels;
import reveal.eval.stats.Outcome;
import reveal.eval.stats.Verdict;

class VerdictsTest {
    static final int N = 80, TESTS = 40;

    /** Test instance t is right exactly when training position t is in the subset. */
    static SubsetModels.Outcome toy(int[] subset) {
        double[] p = new double[TESTS];
        int[] predicted = new int[TESTS];
        Arrays.fill(p, 0.3);
        Arrays.fill(predicted, 1);
        for (int z : subset) if (z < TESTS) {
            p[z] = 0.7;
            predicted[z] = 0;
        }
        return new SubsetModels.Outcome(p, predicted, 0.5);
    }

    static Retraining.Result result(Path log, double fullAccuracy) {
        double[] good = new double[N];
        for (int z = 0; z < N; z++) good[z] = z;
        Map<String, double[]> rankings = new LinkedHashMap<>();
        rankings.put("GS dot", good);
        Retraining.Plan plan = new Retraining.Plan(rankings, N, new double[] {0.5}, new long[] {1, 2, 3}, 0.9, List.of(), 0.5);
        Map<SubsetModels.Spec, SubsetModels.Outcome> models = SubsetModels.train(plan.allSpecs(), (s, seed) -> toy(s), 1, Map.of("m", "toy"), log);
        return Retraining.collect(plan, models, new int[TESTS], fullAccuracy, 0.0, 0.9);
    }

    @Test
    void aFaithfulRankingIsSupportedWhenRetrainingLearns(@TempDir Path dir) {
        Retraining.Result r = result(dir.resolve("a.jsonl"), 0.9);
        assertTrue(r.gate().passed(), r.gate().reason());
        List<Verdict> v = new Verdicts(0.95, 42).retraining(r, List.of("GS dot"), new double[] {0.5});
        assertEquals(List.of("retraining.gs_dot.most_vs_random.50", "retraining.gs_dot.most_vs_least.50", "retraining.gs_dot.random_vs_least.50"),
                v.stream().map(Verdict::id).toList());
        // Most 50% holds every useful position (accuracy 1), least none (0), random about half.
        assertEquals(Outcome.SUPPORTED, v.get(0).verdict(), v.get(0).reason());
        assertEquals(Outcome.SUPPORTED, v.get(1).verdict());
        assertEquals(1.0, v.get(1).effect(), 1e-12);
        assertEquals(Outcome.SUPPORTED, v.get(2).verdict());
    }

    @Test
    void everyRetrainingVerdictIsInconclusiveWhenTheGateFails(@TempDir Path dir) {
        // The same evidence against a full model that random 90% subsets do not come close to.
        Retraining.Result r = result(dir.resolve("b.jsonl"), 1.0 / 0.5);
        assertTrue(!r.gate().passed());
        for (Verdict v : new Verdicts(0.95, 42).retraining(r, List.of("GS dot"), new double[] {0.5})) {
            assertEquals(Outcome.INCONCLUSIVE, v.verdict(), v.id());
            assertEquals(r.gate().reason(), v.reason());
            assertTrue(v.interval() != null && v.effect() > 0, "the evidence is kept: " + v.effect());
        }
    }

    @Test
    void idsAreStable() {
        assertEquals("gs_cosine", Verdicts.id("GS cosine"));
        assertEquals("na_instances", Verdicts.id("NA-Instances"));
        assertEquals("lissa", Verdicts.id("LiSSA"));
        assertEquals(1, reveal.model.data.Labels.majorityClass(new int[] {1, 1, 0}, 2));
        assertEquals(0, reveal.model.data.Labels.majorityClass(new int[] {1, 0}, 2), "the lowest class on a tie");
    }

    @Test
    void theFineTunedModelIsComparedWithTheMajorityRateAsAConstant() {
        // 70 of 100 right against a majority rate of 0.5: against the constant, the interval is about 0.2 +- 0.09.
        double[] correct = new double[100];
        for (int i = 0; i < 70; i++) correct[i] = 1;
        Verdict v = new Verdicts(0.95, 42).finetuneLearns(correct, 0.5);
        assertEquals("finetune.learns", v.id());
        assertEquals(0.2, v.effect(), 1e-12);
        assertEquals(Outcome.SUPPORTED, v.verdict(), v.reason());
        assertEquals(0.2 - 1.96 * Math.sqrt(0.21 / 100), v.interval()[0], 0.02);
    }
}
