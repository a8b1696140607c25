package reveal.attribution.instance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import reveal.engine.Backend;
import reveal.engine.Tensor;

/** A small random classification head {@code W [C, H]} over fixed hidden states: the paper's head-only IA setting. */
final class RandomHead {
    final int classes, width, n;
    final double[] w;
    final double[][] hidden;
    final int[] labels;

    RandomHead(int classes, int width, int n, long seed) {
        this.classes = classes;
        this.width = width;
        this.n = n;
        SplittableRandom r = new SplittableRandom(seed);
        w = new double[classes * width];
        for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian() * 0.5;
        hidden = new double[n][width];
        labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) hidden[i][j] = r.nextGaussian();
            labels[i] = r.nextInt(classes);
        }
    }

    /** The head as a model's parameter map, with the HF name the paper's selection picks. */
    Map<String, Tensor> parameters(Backend b) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("model.norm.weight", Tensor.ones(b, width));
        m.put(ParameterSelector.HEAD, Tensor.of(b, w, classes, width));
        return m;
    }

    /** softmax(W h_i). */
    double[] probabilities(int i) {
        double[] logits = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < width; j++) logits[c] += w[c * width + j] * hidden[i][j];
            max = Math.max(max, logits[c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += logits[c] = Math.exp(logits[c] - max);
        for (int c = 0; c < classes; c++) logits[c] /= sum;
        return logits;
    }

    /** Closed form of paper-method 4.1: grad_W L = (p - e_y) h^T, flattened row-major. */
    double[] gradient(int i) {
        double[] p = probabilities(i);
        double[] g = new double[classes * width];
        for (int c = 0; c < classes; c++) {
            double r = p[c] - (c == labels[i] ? 1 : 0);
            for (int j = 0; j < width; j++) g[c * width + j] = r * hidden[i][j];
        }
        return g;
    }

    /** Closed form: H_i[V] = (diag(p) - p p^T)(V h) h^T, averaged over the batch. */
    double[] hvp(int[] batch, double[] v) {
        double[] out = new double[classes * width];
        for (int i : batch) {
            double[] p = probabilities(i);
            double[] vh = new double[classes];
            for (int c = 0; c < classes; c++) for (int j = 0; j < width; j++) vh[c] += v[c * width + j] * hidden[i][j];
            double pvh = 0;
            for (int c = 0; c < classes; c++) pvh += p[c] * vh[c];
            for (int c = 0; c < classes; c++) {
                double a = p[c] * vh[c] - p[c] * pvh;
                for (int j = 0; j < width; j++) out[c * width + j] += a * hidden[i][j] / batch.length;
            }
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
