package reveal.eval.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrievalTest {

    @Test
    void precisionAndReciprocalRankOfAKnownRanking() {
        int[] ranking = {4, 2, 7, 1, 0};
        Set<Integer> relevant = Set.of(7, 0, 9);
        assertEquals(1.0 / 3, Retrieval.precisionAtK(ranking, relevant, 3), 1e-12);
        assertEquals(2.0 / 5, Retrieval.precisionAtK(ranking, relevant, 5), 1e-12);
        // A ranking shorter than k counts the missing places as misses.
        assertEquals(2.0 / 6, Retrieval.precisionAtK(ranking, relevant, 6), 1e-12);
        assertEquals(1.0 / 3, Retrieval.reciprocalRank(ranking, relevant), 1e-12);
        assertEquals(0, Retrieval.reciprocalRank(ranking, Set.of(5)));
    }

    @Test
    void randomReciprocalRankMatchesSmallCasesByHand() {
        // One relevant of n: E[1/R] = H_n / n.
        assertEquals((1 + 0.5 + 1.0 / 3) / 3, Retrieval.randomReciprocalRank(3, 1), 1e-12);
        // Two of three: first relevant at rank 1 w.p. 2/3, rank 2 w.p. 1/3.
        assertEquals(2.0 / 3 + 1.0 / 3 / 2, Retrieval.randomReciprocalRank(3, 2), 1e-12);
        assertEquals(1.0, Retrieval.randomReciprocalRank(4, 4), 1e-12);
        assertEquals(0.25, Retrieval.randomPrecisionAtK(8, 2), 1e-12);
    }

    @Test
    void randomReciprocalRankMatchesSimulation() {
        int n = 50, m = 6;
        Set<Integer> relevant = Set.of(0, 1, 2, 3, 4, 5);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        Random rnd = new Random(7);
        double sum = 0;
        int runs = 100_000;
        for (int r = 0; r < runs; r++) {
            Collections.shuffle(order, rnd);
            sum += Retrieval.reciprocalRank(order.stream().mapToInt(Integer::intValue).toArray(), relevant);
        }
        assertEquals(Retrieval.randomReciprocalRank(n, m), sum / runs, 0.003);
    }

    @Test
    void knownAnswerScoresOfAPerfectAndAReversedRanking() {
        // Three training claims per test claim's fact; train positions 0-2 belong to test 0, 3-5 to test 1.
        KnownAnswerScores scores = new KnownAnswerScores(List.of(Set.of(0, 1, 2), Set.of(3, 4, 5)), List.of(Set.of(1), Set.of(5)), 6);
        double[][] perfect = {{3, 2, 1, 0, 0, 0}, {0, 0, 0, 1, 2, 3}};
        KnownAnswerScores.Score p = scores.score(perfect);
        assertEquals(1, p.precisionAtK(), 1e-12);
        assertEquals(1, p.mrr(), 1e-12);
        // Statement: test 0 ranks position 1 second; test 1 ranks position 5 first.
        assertEquals((0.5 + 1) / 2, p.statementMrr(), 1e-12);
        double[][] reversed = {{0, 0, 0, 1, 2, 3}, {3, 2, 1, 0, 0, Double.NEGATIVE_INFINITY}};
        KnownAnswerScores.Score r = scores.score(reversed);
        assertEquals(0, r.precisionAtK(), 1e-12);
        // Test 0: positions 5,4,3 then 0 (ties by position) -> first relevant at rank 4; test 1: 0,1,2,3 -> rank 4.
        assertEquals(0.25, r.mrr(), 1e-12);
        KnownAnswerScores.Score random = scores.random();
        assertEquals(0.5, random.precisionAtK(), 1e-12);
        // 3 of 6 relevant: first relevant at rank 1, 2, 3, 4 w.p. 1/2, 3/10, 3/20, 1/20.
        assertEquals(0.5 + 0.3 / 2 + 0.15 / 3 + 0.05 / 4, random.mrr(), 1e-12);
        // The per-claim values the verdicts pair: test 0 and 1 of the reversed ranking, and random's exact expectation per claim.
        assertArrayEquals(new double[] {0.25, 0.25}, r.reciprocalRank(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, r.precision(), 1e-12);
        assertArrayEquals(new double[] {random.mrr(), random.mrr()}, random.reciprocalRank(), 1e-12);
    }

    @Test
    void bootstrapIntervalsCoverTheMeanAndShrinkWithAgreement() {
        double[] same = {0.5, 0.5, 0.5, 0.5};
        assertArrayEquals(new double[] {0.5, 0.5}, KnownAnswerScores.interval(same), 1e-12);
        double[] spread = new double[40];
        for (int i = 0; i < spread.length; i++) spread[i] = i % 2;
        double[] ci = KnownAnswerScores.interval(spread);
        // Mean 0.5, standard error 0.5 / sqrt(40) = 0.079: the 95% interval is about 0.5 -+ 0.155.
        assertEquals(0.5 - 0.155, ci[0], 0.03);
        assertEquals(0.5 + 0.155, ci[1], 0.03);
    }
}
