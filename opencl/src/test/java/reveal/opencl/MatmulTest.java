package reveal.opencl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.opencl.OpenCl.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.Backend;
import reveal.engine.Layout;
import reveal.engine.Storage;
import reveal.engine.Tensor;

class MatmulTest {
    /** m, n, k: the direct kernel (a side under 32), the tiled one with ragged edges, and odd k. */
    static final int[][] SHAPES = {
        {1, 1, 1}, {1, 255, 33}, {7, 33, 1}, {33, 7, 255}, {33, 33, 7}, {64, 64, 64}, {40, 33, 1023}, {100, 130, 17}, {1023, 40, 5}, {255, 255, 33},
    };

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : SHAPES) for (int t = 0; t < 4; t++) cases.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        return cases.stream();
    }

    /**
     * Straight through {@link Backend#matmul}: 2 batches, operands at odd offsets with leading dimensions wider
     * than the matrix (so vector loads meet unaligned rows), compared to the reference on the same floats.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("cases")
    void matchesReference(int m, int n, int k, boolean transA, boolean transB) {
        OpenClBackend cl = backend();
        int batch = 2;
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + 3, ldb = bCols + 1, aOff = 5, bOff = 2;
        int aStride = aRows * lda + 1, bStride = bRows * ldb;
        float[] a = normal(m * 7L + k, aOff + batch * aStride, 1.0), b = normal(n * 5L + k, bOff + batch * bStride, 1.0);
        check(cl, a, aOff, aStride, transA, lda, b, bOff, bStride, transB, ldb, batch, m, n, k);
    }

    /** A batch stride of 0 repeats an operand for every batch (a broadcast weight). */
    @Test
    void broadcastBatch() {
        OpenClBackend cl = backend();
        int m = 40, n = 36, k = 20, batch = 3;
        float[] a = normal(1, batch * m * k, 1.0), b = normal(2, k * n, 1.0);
        check(cl, a, 0, m * k, false, k, b, 0, 0, false, n, batch, m, n, k);
        check(cl, b, 0, 0, true, n, a, 0, m * k, true, k, batch, n, m, k);
    }

    private static void check(Backend cl, float[] a, int aOff, int aStride, boolean transA, int lda,
                              float[] b, int bOff, int bStride, boolean transB, int ldb, int batch, int m, int n, int k) {
        Layout out = Layout.contiguous(batch, m, n);
        Storage ra = REF.upload(a), rb = REF.upload(b);
        double[] ref = REF.download(REF.matmul(ra, aOff, aStride, transA, lda, rb, bOff, bStride, transB, ldb, batch, m, n, k), out);
        double[] got = cl.download(cl.matmul(cl.upload(a), aOff, aStride, transA, lda, cl.upload(b), bOff, bStride, transB, ldb, batch, m, n, k), out);
        // Rounding grows with the magnitudes summed: compare against the product of absolute values.
        double[] absA = new double[a.length], absB = new double[b.length];
        for (int i = 0; i < a.length; i++) absA[i] = Math.abs(a[i]);
        for (int i = 0; i < b.length; i++) absB[i] = Math.abs(b[i]);
        double[] mag = REF.download(REF.matmul(REF.upload(absA), aOff, aStride, transA, lda, REF.upload(absB), bOff, bStride, transB, ldb, batch, m, n, k), out);
        String what = "matmul batch=" + batch + " m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB;
        for (int i = 0; i < ref.length; i++) {
            double tol = 1e-6 + 2e-6 * mag[i];
            int e = i;
            assertTrue(Math.abs(got[i] - ref[i]) <= tol, () -> what + ": element " + e + " is " + got[e] + ", reference " + ref[e]);
        }
    }

    /** Tensor.matmul: broadcast batch axes, transposed views (passed as trans flags), and a sliced operand. */
    @Test
    void throughTensorOps() {
        OpenClBackend cl = backend();
        Tensor[] x = pair(cl, normal(3, 2 * 3 * 33 * 40, 1.0), 2, 3, 33, 40);
        Tensor[] w = pair(cl, normal(4, 3 * 50 * 40, 1.0), 3, 50, 40);
        Tensor[] v = pair(cl, normal(5, 45 * 70, 1.0), 45, 70);
        Tensor[] r = new Tensor[2];
        for (int i = 0; i < 2; i++) {
            Tensor h = x[i].matmul(w[i].transpose(-1, -2));                  // [2, 3, 33, 50]
            r[i] = h.transpose(-1, -2).matmul(h).add(h.slice(3, 5, 38).matmul(v[i].slice(0, 2, 35)).sum());
        }
        assertClose("matmul chain", r[0], r[1], 1e-4, 1e-3);
    }

    @Test
    void refusesOperandsOutsideTheirStorage() {
        OpenClBackend cl = backend();
        Storage a = cl.upload(new float[12]), b = cl.upload(new float[12]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cl.matmul(a, 0, 12, false, 4, b, 0, 0, false, 3, 2, 3, 3, 4));
        assertTrue(e.getMessage().contains("operand A"), e.getMessage());
    }
}
