package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

/** The listwise head loss against its closed form: {@code dL/dw = sum_j (softmax(s)_j - [j = y]) h_j}, one softmax. */
class ChoiceHeadLossTest {
    private static final int N = 6, CHOICES = 5, WIDTH = 7;

    @Test
    void gradientIsTheSoftmaxResidualWeightedSumOfTheChoicesHiddenStates() {
        Random rnd = new Random(3);
        double[][][] hidden = new double[N][CHOICES][WIDTH];
        int[] answers = new int[N];
        double[] w = new double[WIDTH];
        for (double[][] instance : hidden) for (double[] h : instance) for (int k = 0; k < WIDTH; k++) h[k] = rnd.nextGaussian();
        for (int i = 0; i < N; i++) answers[i] = rnd.nextInt(CHOICES);
        for (int k = 0; k < WIDTH; k++) w[k] = rnd.nextGaussian() * 0.5;
        Tensor head = Tensor.of(ReferenceBackend.INSTANCE, w, 1, WIDTH).requireGrad();
        Derivatives d = new Derivatives(new ChoiceHeadLoss(head, hidden, answers), ParameterSubset.select(Map.of("score.weight", head),
                ParameterSelector.classificationHead()));

        double[] mean = new double[WIDTH];
        int[] batch = {0, 2, 5};
        for (int i = 0; i < N; i++) {
            double[] expected = closedForm(hidden[i], answers[i], w);
            assertArrayEquals(expected, d.gradient(i).toDoubleArray(), 1e-12, "gradient of instance " + i);
            for (int b : batch) if (b == i) for (int k = 0; k < WIDTH; k++) mean[k] += expected[k] / batch.length;
        }
        assertArrayEquals(mean, d.gradient(batch).toDoubleArray(), 1e-12, "a batch's gradient is the mean of its instances'");
    }

    private static double[] closedForm(double[][] h, int answer, double[] w) {
        double[] s = new double[h.length];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < h.length; j++) {
            for (int k = 0; k < w.length; k++) s[j] += w[k] * h[j][k];
            max = Math.max(max, s[j]);
        }
        for (int j = 0; j < h.length; j++) sum += s[j] = Math.exp(s[j] - max);
        double[] g = new double[w.length];
        for (int j = 0; j < h.length; j++) {
            double r = s[j] / sum - (j == answer ? 1 : 0);
            for (int k = 0; k < w.length; k++) g[k] += r * h[j][k];
        }
        return g;
    }
}
