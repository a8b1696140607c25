package reveal.attribution.analysis;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Diversity of a training subset (paper-method 9), lower cosine = more diverse: the mean pairwise cosine similarity
 * of the final hidden states over unordered pairs i < j, the fine-tuned model's mean cross-entropy on the subset's
 * gold labels, the number of distinct subword ids, and the mean sequence length.
 */
public record Diversity(double cosineSum, double cosineMean, double lossSum, double lossMean, int vocabulary, double meanLength) {

    public static Diversity of(int[] subset, Representations model, SubsetTokens tokens) {
        int n = subset.length;
        if (n == 0) throw new IllegalArgumentException("diversity: empty subset");
        double[][] h = new double[n][];
        double[] norms = new double[n];
        double lossSum = 0, lengthSum = 0;
        Set<Integer> vocab = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int id = subset[i];
            h[i] = model.lastHidden(id);
            norms[i] = Math.sqrt(dot(h[i], h[i]));
            double[] p = model.classProbabilities(id);
            lossSum += -Math.log(p[model.label(id)]);
            for (int t : tokens.vocabularyTokens(id)) vocab.add(t);
            lengthSum += tokens.length(id);
        }
        double cosSum = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double denom = norms[i] * norms[j];
                cosSum += denom == 0 ? 0 : dot(h[i], h[j]) / denom;
                pairs++;
            }
        }
        return new Diversity(cosSum, pairs == 0 ? Double.NaN : cosSum / pairs, lossSum, lossSum / n, vocab.size(), lengthSum / n);
    }

    /** The paper's printout: one value per line, {@code %.3f}, in the order of the record's fields. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (double v : new double[] {cosineSum, cosineMean, lossSum, lossMean, vocabulary, meanLength}) {
            sb.append(String.format(Locale.ROOT, "%.3f%n", v));
        }
        return sb.toString();
    }

    private static double dot(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("diversity: hidden states of " + a.length + " and " + b.length + " values");
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
