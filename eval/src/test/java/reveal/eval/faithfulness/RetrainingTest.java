package reveal.eval.faithfulness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrainingTest {
    static final int N = 20;

    /** "Accuracy" = share of the first 5 training positions (the useful ones) that the subset contains. */
    static double usefulShare(int[] subset) {
        int hits = 0;
        for (int z : subset) if (z < 5) hits++;
        return hits / 5.0;
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

    static final Retraining.Plan PLAN = new Retraining.Plan(new double[] {0.1, 0.5}, new long[] {42, 60, 73}, 42);

    @Test
    void mostLeastAndRandomSubsetsAreTrainedAndCollected(@TempDir Path dir) {
        AtomicInteger calls = new AtomicInteger();
        Retraining.Result r = Retraining.run(rankings(), N, PLAN, (subset, seed) -> {
            calls.incrementAndGet();
            return usefulShare(subset);
        }, 2, Map.of("model", "toy"), dir.resolve("retraining.jsonl"));
        // 2 fractions x (2 rankings x 2 + 3 random seeds)
        assertEquals(14, calls.get());
        Retraining.Curve good = r.methods().get(0), bad = r.methods().get(1);
        // 10% = 2 instances, 50% = 10.
        assertArrayEquals(new double[] {0.4, 1.0}, good.most(), 1e-12);
        assertArrayEquals(new double[] {0.0, 0.0}, good.least(), 1e-12);
        assertArrayEquals(new double[] {0.0, 0.0}, bad.most(), 1e-12);
        assertArrayEquals(new double[] {0.4, 1.0}, bad.least(), 1e-12);
        assertEquals(3, r.random()[1].runs().length);
        assertTrue(r.random()[1].mean() > 0 && r.random()[1].mean() < 1, "random 50% holds some useful positions");
    }

    @Test
    void aResumedRunRetrainsNothingTwiceAndOtherSettingsAreRefused(@TempDir Path dir) {
        Path log = dir.resolve("retraining.jsonl");
        Retraining.Result first = Retraining.run(rankings(), N, PLAN, (s, seed) -> usefulShare(s), 1, Map.of("model", "toy"), log);
        Retraining.Result again = Retraining.run(rankings(), N, PLAN, (s, seed) -> {
            throw new AssertionError("nothing should be retrained");
        }, 1, Map.of("model", "toy"), log);
        assertArrayEquals(first.methods().get(0).most(), again.methods().get(0).most());
        assertEquals(first.random()[0].mean(), again.random()[0].mean());
        assertThrows(IllegalStateException.class, () -> Retraining.run(rankings(), N, PLAN, (s, seed) -> 0, 1, Map.of("model", "other"), log));
    }
}
