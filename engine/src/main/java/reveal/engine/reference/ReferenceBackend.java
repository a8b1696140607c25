package reveal.engine.reference;

import reveal.engine.Backend;
import reveal.engine.BinaryOp;
import reveal.engine.Layout;
import reveal.engine.ReduceOp;
import reveal.engine.Storage;
import reveal.engine.UnaryOp;

/**
 * Plain float64 loops, written to be obviously correct rather than fast: the auditor every other backend is
 * tested against, and the backend {@link reveal.engine.check.GradCheck} differentiates on.
 */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private ReferenceBackend() {
    }

    record Buffer(double[] data) implements Storage {
        @Override
        public int size() {
            return data.length;
        }
    }

    private static double[] data(Storage s) {
        return ((Buffer) s).data;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public boolean isDouble() {
        return true;
    }

    @Override
    public Storage zeros(int n) {
        return new Buffer(new double[n]);
    }

    @Override
    public Storage upload(double[] d) {
        return new Buffer(d.clone());
    }

    @Override
    public Storage upload(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return new Buffer(d);
    }

    @Override
    public double[] download(Storage s, Layout l) {
        double[] src = data(s);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = src[l.indexOf(i)];
        return out;
    }

    @Override
    public float[] downloadFloats(Storage s, Layout l) {
        double[] d = download(s, l);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
        return out;
    }

    @Override
    public void copyInto(Storage dstStorage, Layout dst, Storage src, Layout srcLayout) {
        double[] d = data(dstStorage), s = data(src);
        for (int i = 0, n = dst.size(); i < n; i++) d[dst.indexOf(i)] = s[srcLayout.indexOf(i)];
    }

    @Override
    public Storage unary(UnaryOp op, Storage x, Layout xl, double c) {
        double[] s = data(x);
        double[] out = new double[xl.size()];
        for (int i = 0; i < out.length; i++) out[i] = op.apply(s[xl.indexOf(i)], c);
        return new Buffer(out);
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl) {
        double[] x = data(a), y = data(b);
        double[] out = new double[al.size()];
        for (int i = 0; i < out.length; i++) out[i] = op.apply(x[al.indexOf(i)], y[bl.indexOf(i)]);
        return new Buffer(out);
    }

    @Override
    public Storage reduce(ReduceOp op, Storage x, int outer, int n, int inner) {
        double[] s = data(x);
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = op == ReduceOp.SUM ? 0.0 : Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double v = s[(o * n + j) * inner + i];
                    acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
                }
                out[o * inner + i] = acc;
            }
        }
        return new Buffer(out);
    }

    @Override
    public Storage matmul(Storage a, int aOff, int aBatchStride, boolean transA, int lda,
                          Storage b, int bOff, int bBatchStride, boolean transB, int ldb,
                          int batch, int m, int n, int k) {
        double[] x = data(a), y = data(b);
        double[] out = new double[batch * m * n];
        for (int p = 0; p < batch; p++) {
            int ao = aOff + p * aBatchStride, bo = bOff + p * bBatchStride;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int q = 0; q < k; q++) {
                        double av = transA ? x[ao + q * lda + i] : x[ao + i * lda + q];
                        double bv = transB ? y[bo + j * ldb + q] : y[bo + q * ldb + j];
                        acc += av * bv;
                    }
                    out[(p * m + i) * n + j] = acc;
                }
            }
        }
        return new Buffer(out);
    }

    @Override
    public Storage gatherRows(Storage table, int rows, int width, int[] ids) {
        double[] t = data(table);
        double[] out = new double[ids.length * width];
        for (int i = 0; i < ids.length; i++) System.arraycopy(t, ids[i] * width, out, i * width, width);
        return new Buffer(out);
    }

    @Override
    public Storage scatterAddRows(Storage src, int width, int[] ids, int rows) {
        double[] s = data(src);
        double[] out = new double[rows * width];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < width; j++) out[ids[i] * width + j] += s[i * width + j];
        }
        return new Buffer(out);
    }
}
