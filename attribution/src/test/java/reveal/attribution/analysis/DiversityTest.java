package reveal.attribution.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DiversityTest {
    private final double[][] hidden = {{1, 0}, {0, 1}, {1, 1}, {9, 9}};
    private final double[][] probs = {{0.5, 0.5}, {0.25, 0.75}, {0.9, 0.1}, {1, 0}};
    private final int[] labels = {0, 1, 1, 0};
    private final int[][] tokens = {{1, 2, 3}, {3, 4}, {1}, {42}};
    private final int[] lengths = {5, 7, 3, 100};

    private final Representations model = new Representations() {
        public double[] lastHidden(int id) { return hidden[id]; }
        public double[] classProbabilities(int id) { return probs[id]; }
        public int label(int id) { return labels[id]; }
    };
    private final SubsetTokens toks = new SubsetTokens() {
        public int[] vocabularyTokens(int id) { return tokens[id]; }
        public int length(int id) { return lengths[id]; }
    };

    @Test
    void measuresPairwiseCosineLossVocabularyAndLength() {
        Diversity d = Diversity.of(new int[] {0, 1, 2}, model, toks);
        // pairs: (0,1) cos 0, (0,2) and (1,2) cos 1/sqrt 2
        assertEquals(Math.sqrt(2), d.cosineSum(), 1e-15);
        assertEquals(Math.sqrt(2) / 3, d.cosineMean(), 1e-15);
        double loss = Math.log(2) - Math.log(0.75) - Math.log(0.1);
        assertEquals(loss, d.lossSum(), 1e-15);
        assertEquals(loss / 3, d.lossMean(), 1e-15);
        assertEquals(4, d.vocabulary());
        assertEquals(5.0, d.meanLength(), 0.0);
        assertEquals(String.format("1.414%n0.471%n3.283%n1.094%n4.000%n5.000%n"), d.report());
    }
}
