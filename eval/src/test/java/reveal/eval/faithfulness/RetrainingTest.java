package reveal.eval.faithfulness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrainingTest {
    static final int N = 40, TESTS = 20;
    static final int[] GOLD = new int[TESTS];

    /** Test instance t is answered right exactly when training position t (one of the first 20) is in the subset. */
    static SubsetModels.Outcome toy(int[] subset) {
        double[] p = new double[TESTS];
        int[] predicted = new int[TESTS];
        java.util.Arrays.fill(p, 0.2);
        java.util.Arrays.fill(predicted, 1);
        for (int z : subset) {
            if (z < TESTS) {
                p[z] = 0.8;
                predicted[z] = 0;
            }
        }
        return new SubsetModels.Outcome(p, predicted, 0.5);
    }

    static Map<String, double[]> rankings() {
        double[] good = new double[N], bad = new double[N];
        for (int z = 0; z < N; z++) {
            good[z] = z; // lower = more influential: positions 0.. first
            bad[z] = N - z;
        }
        Map<String, double[]> r = new LinkedHashMap<>();
        r.put("good", good);
        r.put("bad", bad);
        return r;
    }

    static Retraining.Plan plan() {
        return new Retraining.Plan(rankings(), N, new double[] {0.25, 0.5}, new long[] {42, 60, 73}, 0.9, List.of(), 0.5);
    }

    static Map<SubsetModels.Spec, SubsetModels.Outcome> train(Retraining.Plan plan, Path log, AtomicInteger calls) {
        return SubsetModels.train(plan.allSpecs(), (subset, seed) -> {
            calls.incrementAndGet();
            return toy(subset);
        }, 2, Map.of("model", "toy"), log);
    }

    @Test
    void mostLeastAndRandomSubsetsAreTrainedOnceEachAndCollected(@TempDir Path dir) {
        AtomicInteger calls = new AtomicInteger();
        Retraining.Plan plan = plan();
        Retraining.Result r = Retraining.collect(plan, train(plan, dir.resolve("models.jsonl"), calls), GOLD, 1.0, 0.0, 0.9);
        // Per fraction: "good"'s most is "bad"'s least and the other way round, so 2 distinct subsets x 3 seeds, plus
        // 3 random; plus 3 random 90% for the gate. Each distinct (subset, seed) is trained once.
        assertEquals(2 * (2 * 3 + 3) + 3, calls.get());
        // 25% = 10 instances: "good" most holds positions 0..9, so 10 of the 20 test instances are right.
        assertEquals(0.5, r.cell("good", Retraining.Arm.MOST, 0.25).accuracy(), 1e-12);
        assertEquals(0.0, r.cell("good", Retraining.Arm.LEAST, 0.25).accuracy(), 1e-12);
        assertEquals(1.0, r.cell("good", Retraining.Arm.MOST, 0.5).accuracy(), 1e-12);
        assertEquals(0.0, r.cell("bad", Retraining.Arm.MOST, 0.5).accuracy(), 1e-12);
        Retraining.Cell random = r.cell(null, Retraining.Arm.RANDOM, 0.5);
        assertEquals(3, random.correct().length);
        assertTrue(random.accuracy() > 0 && random.accuracy() < 1, "a random half holds some useful positions");
        assertArrayEquals(random.runs(), r.cell("good", Retraining.Arm.RANDOM, 0.5).runs(), "the random arm is shared by the rankings");
    }

    @Test
    void aSubsetsResultDoesNotDependOnTheOrderOfItsInstances(@TempDir Path dir) {
        // The same instances listed in another order are the same model: same key, trained once, same outcome.
        SubsetModels.Spec a = new SubsetModels.Spec(new int[] {7, 3, 5}, 9), b = new SubsetModels.Spec(new int[] {5, 7, 3}, 9);
        assertArrayEquals(new int[] {3, 5, 7}, a.subset());
        assertEquals(a, b);
        assertEquals(a.key(), b.key());
        assertNotEquals(a.key(), new SubsetModels.Spec(new int[] {3, 5, 7}, 10).key(), "another seed is another model");
        assertNotEquals(a.key(), new SubsetModels.Spec(new int[] {3, 5, 8}, 9).key());
        // Two rankings whose most 50% are the same instances in opposite orders share one model: the trainer never
        // sees a ranking's order, only the sorted subset.
        double[] up = new double[N], down = new double[N];
        for (int z = 0; z < N; z++) {
            up[z] = z < N / 2 ? z : N + z;
            down[z] = z < N / 2 ? N / 2 - z : N + z;
        }
        Map<String, double[]> rankings = new LinkedHashMap<>();
        rankings.put("up", up);
        rankings.put("down", down);
        Retraining.Plan plan = new Retraining.Plan(rankings, N, new double[] {0.5}, new long[] {1}, 0.9, List.of(), 0.5);
        List<int[]> seen = new ArrayList<>();
        Map<SubsetModels.Spec, SubsetModels.Outcome> models = SubsetModels.train(plan.allSpecs(), (subset, seed) -> {
            synchronized (seen) {
                seen.add(subset.clone());
            }
            return toy(subset);
        }, 1, Map.of("model", "toy"), dir.resolve("models.jsonl"));
        for (int[] s : seen) for (int i = 1; i < s.length; i++) assertTrue(s[i - 1] < s[i], "the trainer gets sorted positions");
        // gate (1 random 90%), random 50%, most "up" = most "down", least "up" = least "down": 4 models.
        assertEquals(4, seen.size());
        Retraining.Result r = Retraining.collect(plan, models, GOLD, 1.0, 0.0, 0.9);
        assertArrayEquals(r.cell("up", Retraining.Arm.MOST, 0.5).correct(), r.cell("down", Retraining.Arm.MOST, 0.5).correct());
    }

    @Test
    void theGateRequiresRandomNinetyPercentToComeCloseToTheFullModel(@TempDir Path dir) {
        Retraining.Plan plan = plan();
        Map<SubsetModels.Spec, SubsetModels.Outcome> models = train(plan, dir.resolve("models.jsonl"), new AtomicInteger());
        Retraining.Gate learns = Retraining.collect(plan, models, GOLD, 0.9, 0.5, 0.9).gate();
        double random90 = learns.randomAccuracy().mean();
        assertTrue(random90 > 0.81, "random 90% subsets hold most useful positions: " + random90);
        assertTrue(learns.passed(), learns.reason());
        assertTrue(learns.reason().startsWith("Retraining learns the task"));
        // The same retrained models against a slightly better full model: random 90% falls just below 90% of it.
        Retraining.Gate fails = Retraining.collect(plan, models, GOLD, random90 / 0.9 * 1.01, 0.5, 0.9).gate();
        assertFalse(fails.passed());
        assertTrue(fails.reason().contains("does not learn the task"), fails.reason());
        // Above 90% of the full model but no better than the majority class: not learning either.
        assertFalse(Retraining.collect(plan, models, GOLD, 0.5, random90, 0.9).gate().passed());
    }

    @Test
    void aResumedRunRetrainsNothingTwiceAndOtherSettingsAreRefused(@TempDir Path dir) {
        Path log = dir.resolve("models.jsonl");
        Retraining.Plan plan = plan();
        Map<SubsetModels.Spec, SubsetModels.Outcome> first = train(plan, log, new AtomicInteger());
        Map<SubsetModels.Spec, SubsetModels.Outcome> again = SubsetModels.train(plan.allSpecs(), (s, seed) -> {
            throw new AssertionError("nothing should be retrained");
        }, 1, Map.of("model", "toy"), log);
        for (SubsetModels.Spec s : plan.allSpecs()) {
            assertArrayEquals(first.get(s).goldProbability(), again.get(s).goldProbability());
            assertArrayEquals(first.get(s).predicted(), again.get(s).predicted());
        }
        assertThrows(IllegalStateException.class, () -> SubsetModels.train(plan.allSpecs(), (s, seed) -> toy(s), 1, Map.of("model", "other"), log));
    }

    @Test
    void marginsAreTheGoldClassLogOdds() {
        SubsetModels.Outcome o = new SubsetModels.Outcome(new double[] {0.5, 0.8, 1.0}, new int[] {0, 0, 0}, 1);
        double[] m = o.margins();
        assertEquals(0, m[0], 1e-12);
        assertEquals(Math.log(4), m[1], 1e-12);
        assertTrue(Double.isFinite(m[2]) && m[2] > 15, "a saturated probability stays finite: " + m[2]);
        assertThrows(IllegalArgumentException.class, () -> new SubsetModels.Outcome(new double[] {Double.NaN}, new int[] {0}, 1));
    }
}
