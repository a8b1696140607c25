package reveal.attribution.instance;

import java.util.List;
import reveal.engine.Tensor;

/**
 * The test side of instance attribution, computed once and kept in memory: one vector of length P per test
 * instance (its loss gradient for gradient similarity, its inverse-HVP for influence functions), as an
 * {@code [n_test, P]} matrix on the backend, so that scoring a training instance is one matrix-vector product.
 */
final class TestVectors {
    private final Tensor matrix;
    private final double[] norms;

    TestVectors(List<Tensor> rows) {
        int p = rows.get(0).size();
        if ((long) rows.size() * p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("test vectors: " + rows.size() + " test instances x " + p + " parameters exceed one tensor's "
                    + Integer.MAX_VALUE + " elements; select fewer parameters or run the test set in parts");
        }
        Tensor[] r = new Tensor[rows.size()];
        norms = new double[rows.size()];
        for (int i = 0; i < r.length; i++) {
            if (rows.get(i).size() != p) throw new IllegalArgumentException("test vectors: row " + i + " has " + rows.get(i).size() + " values, row 0 has " + p);
            r[i] = rows.get(i).detach().reshape(1, p);
            norms[i] = Lissa.norm(r[i]);
        }
        matrix = Tensor.concat(List.of(r), 0);
    }

    /** {@code test_t . g} for every t. */
    double[] dot(Tensor g) {
        return matrix.matmul(g.reshape(-1, 1)).toDoubleArray();
    }

    /** {@code test_t . g / (|test_t| |g|)} for every t; 0 where either vector is zero. */
    double[] cosine(Tensor g) {
        double[] d = dot(g);
        double gn = Lissa.norm(g);
        for (int t = 0; t < d.length; t++) {
            double denom = norms[t] * gn;
            d[t] = denom == 0 ? 0 : d[t] / denom;
        }
        return d;
    }
}
