package reveal.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import reveal.engine.Backend;
import reveal.engine.BinaryOp;
import reveal.engine.Layout;
import reveal.engine.ReduceOp;
import reveal.engine.Storage;
import reveal.engine.UnaryOp;

/**
 * The fast float32 backend: Vector API loops for the dense cases that dominate a transformer, a strided path
 * for views, the packed {@link Sgemm} for products, and work split across a fixed pool of threads.
 */
public final class CpuBackend implements Backend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Below this many elements, splitting work across threads costs more than it saves. */
    private static final int PARALLEL_GRAIN = 1 << 15;

    private final int threads;

    public CpuBackend(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
    }

    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    record Buffer(float[] data) implements Storage {
        @Override
        public int size() {
            return data.length;
        }
    }

    static float[] data(Storage s) {
        return ((Buffer) s).data;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean isDouble() {
        return false;
    }

    @Override
    public Storage zeros(int n) {
        return new Buffer(new float[n]);
    }

    @Override
    public Storage upload(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return new Buffer(f);
    }

    @Override
    public Storage upload(float[] f) {
        return new Buffer(f.clone());
    }

    @Override
    public double[] download(Storage s, Layout l) {
        float[] f = downloadFloats(s, l);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Override
    public float[] downloadFloats(Storage s, Layout l) {
        float[] src = data(s);
        if (l.isContiguous()) {
            float[] out = new float[l.size()];
            System.arraycopy(src, l.offset(), out, 0, out.length);
            return out;
        }
        float[] out = new float[l.size()];
        copyStrided(out, Layout.contiguous(l.shape()), src, l);
        return out;
    }

    @Override
    public void copyInto(Storage dstStorage, Layout dst, Storage src, Layout srcLayout) {
        copyStrided(data(dstStorage), dst, data(src), srcLayout);
    }

    /** Walks both layouts row by row along the last axis, so the inner loop has no index arithmetic. */
    private static void copyStrided(float[] d, Layout dl, float[] s, Layout sl) {
        int rank = dl.rank();
        if (rank == 0) {
            d[dl.offset()] = s[sl.offset()];
            return;
        }
        int n = dl.shape()[rank - 1], ds = dl.strides()[rank - 1], ss = sl.strides()[rank - 1];
        int rows = n == 0 ? 0 : dl.size() / n;
        for (int r = 0; r < rows; r++) {
            int di = rowBase(dl, r), si = rowBase(sl, r);
            if (ds == 1 && ss == 1) System.arraycopy(s, si, d, di, n);
            else for (int j = 0; j < n; j++) d[di + j * ds] = s[si + j * ss];
        }
    }

    /** Storage index of the first element of row {@code r} (rows = all axes but the last). */
    private static int rowBase(Layout l, int r) {
        int idx = l.offset();
        int[] shape = l.shape(), strides = l.strides();
        for (int d = shape.length - 2; d >= 0; d--) {
            idx += (r % shape[d]) * strides[d];
            r /= shape[d];
        }
        return idx;
    }

    /** Splits [0, n) into chunks for the pool; body gets (start, end). */
    private void parallel(int n, int grain, RangeBody body) {
        int parts = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        GemmPool.run(parts, p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }

    @FunctionalInterface
    private interface RangeBody {
        void run(int start, int end);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Storage unary(UnaryOp op, Storage x, Layout xl, double c) {
        float[] src;
        int off;
        if (xl.isContiguous()) {
            src = data(x);
            off = xl.offset();
        } else {
            src = downloadFloats(x, xl);
            off = 0;
        }
        int n = xl.size();
        float[] out = new float[n];
        float fc = (float) c;
        parallel(n, PARALLEL_GRAIN, (s, e) -> unaryRange(op, src, off, out, s, e, fc, c));
        return new Buffer(out);
    }

    private static void unaryRange(UnaryOp op, float[] x, int off, float[] out, int s, int e, float fc, double c) {
        int i = s;
        int bound = s + S.loopBound(e - s);
        switch (op) {
            case NEG:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, off + i).neg().intoArray(out, i);
                for (; i < e; i++) out[i] = -x[off + i];
                return;
            case ADD_SCALAR:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, off + i).add(fc).intoArray(out, i);
                for (; i < e; i++) out[i] = x[off + i] + fc;
                return;
            case MUL_SCALAR:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, off + i).mul(fc).intoArray(out, i);
                for (; i < e; i++) out[i] = x[off + i] * fc;
                return;
            case SQUARE:
                for (; i < bound; i += S.length()) { FloatVector v = FloatVector.fromArray(S, x, off + i); v.mul(v).intoArray(out, i); }
                for (; i < e; i++) out[i] = x[off + i] * x[off + i];
                return;
            case RELU:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, off + i).max(0f).intoArray(out, i);
                for (; i < e; i++) out[i] = Math.max(x[off + i], 0f);
                return;
            case EXP:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, off + i).lanewise(VectorOperators.EXP).intoArray(out, i);
                for (; i < e; i++) out[i] = (float) Math.exp(x[off + i]);
                return;
            case RSQRT:
                for (; i < e; i++) out[i] = (float) (1.0 / Math.sqrt(x[off + i]));
                return;
            default:
                for (; i < e; i++) out[i] = (float) op.apply(x[off + i], c);
        }
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl) {
        float[] x = data(a), y = data(b);
        int n = al.size();
        float[] out = new float[n];
        int rank = al.rank();
        if (al.isContiguous() && bl.isContiguous()) {
            int ao = al.offset(), bo = bl.offset();
            parallel(n, PARALLEL_GRAIN, (s, e) -> binaryRange(op, x, ao + s, 1, y, bo + s, 1, out, s, e - s));
            return new Buffer(out);
        }
        if (rank == 0) {
            out[0] = (float) op.apply(x[al.offset()], y[bl.offset()]);
            return new Buffer(out);
        }
        int len = al.shape()[rank - 1];
        int as = al.strides()[rank - 1], bs = bl.strides()[rank - 1];
        int rows = len == 0 ? 0 : n / len;
        parallel(rows, Math.max(1, PARALLEL_GRAIN / Math.max(1, len)), (s, e) -> {
            for (int r = s; r < e; r++) binaryRange(op, x, rowBase(al, r), as, y, rowBase(bl, r), bs, out, r * len, len);
        });
        return new Buffer(out);
    }

    /** out[oi + i] = op(x[xi + i*xs], y[yi + i*ys]) for i in [0, count). */
    private static void binaryRange(BinaryOp op, float[] x, int xi, int xs, float[] y, int yi, int ys, float[] out, int oi, int count) {
        if (xs == 1 && ys == 1 && op.ordinal() <= BinaryOp.DIV.ordinal()) {
            int i = 0, bound = S.loopBound(count);
            VectorOperators.Binary vop = op == BinaryOp.ADD ? VectorOperators.ADD : op == BinaryOp.SUB ? VectorOperators.SUB
                    : op == BinaryOp.MUL ? VectorOperators.MUL : VectorOperators.DIV;
            for (; i < bound; i += S.length()) {
                FloatVector.fromArray(S, x, xi + i).lanewise(vop, FloatVector.fromArray(S, y, yi + i)).intoArray(out, oi + i);
            }
            for (; i < count; i++) out[oi + i] = (float) op.apply(x[xi + i], y[yi + i]);
            return;
        }
        if (xs == 1 && ys == 0 && (op == BinaryOp.ADD || op == BinaryOp.MUL || op == BinaryOp.SUB || op == BinaryOp.DIV)) {
            float v = y[yi];
            int i = 0, bound = S.loopBound(count);
            VectorOperators.Binary vop = op == BinaryOp.ADD ? VectorOperators.ADD : op == BinaryOp.SUB ? VectorOperators.SUB
                    : op == BinaryOp.MUL ? VectorOperators.MUL : VectorOperators.DIV;
            for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xi + i).lanewise(vop, v).intoArray(out, oi + i);
            for (; i < count; i++) out[oi + i] = (float) op.apply(x[xi + i], v);
            return;
        }
        for (int i = 0; i < count; i++) out[oi + i] = (float) op.apply(x[xi + i * xs], y[yi + i * ys]);
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public Storage reduce(ReduceOp op, Storage x, int outer, int n, int inner) {
        float[] s = data(x);
        float[] out = new float[outer * inner];
        boolean sum = op == ReduceOp.SUM;
        if (inner == 1) {
            parallel(outer, Math.max(1, PARALLEL_GRAIN / Math.max(1, n)), (a, b) -> {
                for (int o = a; o < b; o++) out[o] = sum ? sumRow(s, o * n, n) : maxRow(s, o * n, n);
            });
            return new Buffer(out);
        }
        parallel(outer, Math.max(1, PARALLEL_GRAIN / Math.max(1, n * inner)), (a, b) -> {
            for (int o = a; o < b; o++) {
                int base = o * n * inner, ob = o * inner;
                if (!sum) java.util.Arrays.fill(out, ob, ob + inner, Float.NEGATIVE_INFINITY);
                for (int j = 0; j < n; j++) {
                    int row = base + j * inner;
                    int i = 0;
                    if (sum) {
                        for (int bound = S.loopBound(inner); i < bound; i += S.length()) {
                            FloatVector.fromArray(S, out, ob + i).add(FloatVector.fromArray(S, s, row + i)).intoArray(out, ob + i);
                        }
                        for (; i < inner; i++) out[ob + i] += s[row + i];
                    } else {
                        for (; i < inner; i++) out[ob + i] = Math.max(out[ob + i], s[row + i]);
                    }
                }
            }
        });
        return new Buffer(out);
    }

    private static float sumRow(float[] s, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, s, off + i));
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) r += s[off + i];
        return r;
    }

    private static float maxRow(float[] s, int off, int n) {
        float r = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) r = Math.max(r, s[off + i]);
        return r;
    }

    // ------------------------------------------------------------------ products and indexing

    @Override
    public Storage matmul(Storage a, int aOff, int aBatchStride, boolean transA, int lda,
                          Storage b, int bOff, int bBatchStride, boolean transB, int ldb,
                          int batch, int m, int n, int k) {
        float[] x = data(a), y = data(b);
        float[] out = new float[batch * m * n];
        if (batch == 1 || (long) m * n * k >= 1L << 21) {
            for (int p = 0; p < batch; p++) {
                Sgemm.sgemm(transA, transB, m, n, k, 1f, x, aOff + p * aBatchStride, lda, y, bOff + p * bBatchStride, ldb,
                        0f, out, p * m * n, n, threads);
            }
        } else {
            // Many small products (attention heads): one thread per group of products.
            parallel(batch, 1, (s, e) -> {
                for (int p = s; p < e; p++) {
                    Sgemm.sgemm(transA, transB, m, n, k, 1f, x, aOff + p * aBatchStride, lda, y, bOff + p * bBatchStride, ldb,
                            0f, out, p * m * n, n, 1);
                }
            });
        }
        return new Buffer(out);
    }

    @Override
    public Storage gatherRows(Storage table, int rows, int width, int[] ids) {
        float[] t = data(table);
        float[] out = new float[ids.length * width];
        for (int i = 0; i < ids.length; i++) System.arraycopy(t, ids[i] * width, out, i * width, width);
        return new Buffer(out);
    }

    @Override
    public Storage scatterAddRows(Storage src, int width, int[] ids, int rows) {
        float[] s = data(src);
        float[] out = new float[rows * width];
        for (int i = 0; i < ids.length; i++) {
            int o = ids[i] * width, si = i * width;
            for (int j = 0; j < width; j++) out[o + j] += s[si + j];
        }
        return new Buffer(out);
    }
}
