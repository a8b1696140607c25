package reveal.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import reveal.engine.Backend;
import reveal.engine.BinaryOp;
import reveal.engine.Layout;
import reveal.engine.ReduceOp;
import reveal.engine.SpecialFunctions;
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
    public float[] downloadFloats(Storage s, Layout l) {
        float[] out = new float[l.size()];
        if (l.isContiguous()) System.arraycopy(data(s), l.offset(), out, 0, out.length);
        else copyStrided(out, Layout.contiguous(l.shape()), data(s), l);
        return out;
    }

    @Override
    public void copyInto(Storage dstStorage, Layout dst, Storage src, Layout srcLayout) {
        copyStrided(data(dstStorage), dst, data(src), srcLayout);
    }

    private void copyStrided(float[] d, Layout dl, float[] s, Layout sl) {
        if (dl.size() == 0) return;
        Walk w = new Walk(dl, sl);
        int ds = w.lastStride(0), ss = w.lastStride(1);
        forSegments(w.rows, w.rowLength, (r, from, to) -> {
            int di = w.base(0, r) + from * ds, si = w.base(1, r) + from * ss;
            if (ds == 1 && ss == 1) System.arraycopy(s, si, d, di, to - from);
            else for (int j = 0, n = to - from; j < n; j++) d[di + j * ds] = s[si + j * ss];
        });
    }

    /**
     * Same-shape layouts walked together row by row, where a row runs along the last axis after size-1 axes are
     * dropped and every pair of adjacent axes that all layouts store as one is merged: a dense tensor is one row,
     * a broadcast bias over a dense matrix is rows of the matrix's width.
     */
    private static final class Walk {
        private final int[] shape;
        private final int[][] strides;
        private final int[] offsets;
        final int rowLength;
        final int rows;

        Walk(Layout... layouts) {
            int rank = layouts[0].rank();
            int[] sh = new int[Math.max(1, rank)];
            int[][] st = new int[layouts.length][Math.max(1, rank)];
            int kept = 0;
            for (int a = 0; a < rank; a++) {
                int n = layouts[0].shape()[a];
                if (n == 1) continue;
                boolean merge = kept > 0;
                for (int l = 0; l < layouts.length && merge; l++) merge = st[l][kept - 1] == layouts[l].strides()[a] * n;
                if (merge) {
                    sh[kept - 1] *= n;
                    for (int l = 0; l < layouts.length; l++) st[l][kept - 1] = layouts[l].strides()[a];
                } else {
                    sh[kept] = n;
                    for (int l = 0; l < layouts.length; l++) st[l][kept] = layouts[l].strides()[a];
                    kept++;
                }
            }
            if (kept == 0) { // a single element, which any stride walks
                sh[kept++] = 1;
                for (int[] strides : st) strides[0] = 1;
            }
            shape = java.util.Arrays.copyOf(sh, kept);
            strides = new int[layouts.length][];
            offsets = new int[layouts.length];
            for (int l = 0; l < layouts.length; l++) {
                strides[l] = java.util.Arrays.copyOf(st[l], kept);
                offsets[l] = layouts[l].offset();
            }
            rowLength = shape[kept - 1];
            rows = rowLength == 0 ? 0 : layouts[0].size() / rowLength;
        }

        int lastStride(int operand) {
            return strides[operand][shape.length - 1];
        }

        /** Storage index of the first element of row {@code r} in operand {@code operand}. */
        int base(int operand, int r) {
            int idx = offsets[operand];
            int[] s = strides[operand];
            for (int d = shape.length - 2; d >= 0; d--) {
                idx += (r % shape[d]) * s[d];
                r /= shape[d];
            }
            return idx;
        }
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

    @FunctionalInterface
    private interface Segment {
        /** Elements [from, to) of row {@code row}. */
        void run(int row, int from, int to);
    }

    /** Splits {@code rows} rows of {@code length} elements across threads; one long row is split into pieces. */
    private void forSegments(int rows, int length, Segment body) {
        if (rows == 1) parallel(length, PARALLEL_GRAIN, (s, e) -> body.run(0, s, e));
        else parallel(rows, Math.max(1, PARALLEL_GRAIN / Math.max(1, length)), (s, e) -> {
            for (int r = s; r < e; r++) body.run(r, 0, length);
        });
    }

    // ------------------------------------------------------------------ elementwise
    //
    // No FloatVector crosses a method boundary here: C2 keeps vectors in registers only within one compiled
    // method, and a kernel method it declines to inline (too big for the call site's profile, or already compiled
    // on its own) would box every vector passed to it, ten times slower. So each loop holds its whole kernel, and
    // composite functions run as stages over chunks copied into small scratch arrays, padded to whole vectors.
    // Vector constants are made where they are used (C2 hoists them): a static final FloatVector in a loop defeats
    // C2's box elimination.
    //
    // The kernels use only IEEE operations (add, mul, fma, div, sqrt, compares, bit moves), which give the same
    // bits whether the Vector API runs interpreted or compiled. Its lanewise EXP and TANH and its reduceLanes(ADD)
    // do not, and a training run would then depend on when the JIT kicked in.

    /** Elements per staged pass: the scratch arrays stay in L1. */
    private static final int CHUNK = 1024;
    private static final int L = S.length();
    private static final float INV_SQRT2 = (float) SpecialFunctions.INV_SQRT2, SQRT_2_OVER_PI = (float) SpecialFunctions.SQRT_2_OVER_PI;

    @Override
    public Storage unary(UnaryOp op, Storage x, Layout xl, double c) {
        Walk w = new Walk(xl);
        if (w.lastStride(0) != 1) return unary(op, new Buffer(downloadFloats(x, xl)), Layout.contiguous(xl.shape()), c);
        float[] src = data(x);
        float[] out = new float[xl.size()];
        int len = w.rowLength;
        forSegments(w.rows, len, (r, from, to) -> unaryRange(op, src, w.base(0, r) + from, out, r * len + from, to - from, c));
        return new Buffer(out);
    }

    /** out[oi + i] = op(x[xi + i], c) for i in [0, n). */
    private static void unaryRange(UnaryOp op, float[] x, int xi, float[] out, int oi, int n, double c) {
        if (op == UnaryOp.LOG || op == UnaryOp.POW_SCALAR) {
            for (int i = 0; i < n; i++) out[oi + i] = (float) op.apply(x[xi + i], c);
            return;
        }
        int size = Math.min(CHUNK, roundUp(n));
        float[] a = new float[size], b = new float[size], t = new float[size];
        for (int s = 0; s < n; s += CHUNK) {
            int len = Math.min(CHUNK, n - s), padded = roundUp(len);
            System.arraycopy(x, xi + s, a, 0, len);
            java.util.Arrays.fill(a, len, padded, 0f);
            unaryChunk(op, a, b, t, padded, (float) c);
            System.arraycopy(b, 0, out, oi + s, len);
        }
    }

    private static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }

    /** b = op(a) over n elements, a whole number of vectors; t is scratch. */
    private static void unaryChunk(UnaryOp op, float[] a, float[] b, float[] t, int n, float c) {
        switch (op) {
            case EXP, SIGMOID, SILU, GELU_TANH, TANH, ERF -> {
                exponent(op, a, b, n);
                expInPlace(b, n);
                fromExp(op, a, b, n);
            }
            case GELU -> {
                // x Phi(x) = x (1 + erf(x / sqrt 2)) / 2
                for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, i).mul(INV_SQRT2).intoArray(b, i);
                unaryChunk(UnaryOp.ERF, b, t, null, n, c);
                for (int i = 0; i < n; i += L) FloatVector.fromArray(S, t, i).add(1f).mul(FloatVector.fromArray(S, a, i)).mul(0.5f).intoArray(b, i);
            }
            default -> simple(op, a, b, n, c);
        }
    }

    /** e = what exp-based ops take the exponential of. */
    private static void exponent(UnaryOp op, float[] x, float[] e, int n) {
        switch (op) {
            case EXP -> System.arraycopy(x, 0, e, 0, n);
            case SIGMOID, SILU -> {
                for (int i = 0; i < n; i += L) FloatVector.fromArray(S, x, i).neg().intoArray(e, i);
            }
            case GELU_TANH -> {
                // -2u for u = sqrt(2/pi) (x + 0.044715 x^3)
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.mul(v).fma(0.044715f, 1f).mul(v).mul(-2 * SQRT_2_OVER_PI).intoArray(e, i);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i += L) FloatVector.fromArray(S, x, i).abs().mul(-2f).intoArray(e, i);
            }
            case ERF -> {
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.mul(v).neg().intoArray(e, i);
                }
            }
            default -> throw new AssertionError(op);
        }
    }

    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, which its low bits then hold. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToIntBits(ROUNDER);
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());

    /** e = exp(e) to about 1 ulp (Cephes' expf polynomial), overflowing to infinity and underflowing gradually to 0. */
    private static void expInPlace(float[] e, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector x = FloatVector.fromArray(S, e, i).max(-104f).min(89f);
            FloatVector k = x.fma(LOG2E, ROUNDER).sub(ROUNDER);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector y = p.fma(r.mul(r), r).add(1f);
            // 2^k as 2^k1 2^k2, k1 = round(k / 2), so that every k from -150 to 129 is two normal floats. 2^kj is
            // the float with exponent field kj + 127, made by an integer multiply: shifts and reinterpretAsInts
            // leave C2 without the constant species it needs to compile them.
            FloatVector k1 = k.fma(0.5f, ROUNDER).sub(ROUNDER), k2 = k.sub(k1);
            IntVector b1 = (IntVector) k1.add(127f + ROUNDER).reinterpretShape(INTS, 0), b2 = (IntVector) k2.add(127f + ROUNDER).reinterpretShape(INTS, 0);
            FloatVector s1 = (FloatVector) b1.sub(ROUNDER_BITS).mul(1 << 23).reinterpretShape(S, 0);
            FloatVector s2 = (FloatVector) b2.sub(ROUNDER_BITS).mul(1 << 23).reinterpretShape(S, 0);
            y.mul(s1).mul(s2).intoArray(e, i);
        }
    }

    /** e = op(x) from e = exp(exponent(x)). */
    private static void fromExp(UnaryOp op, float[] x, float[] e, int n) {
        switch (op) {
            case EXP -> { }
            case SIGMOID -> {
                for (int i = 0; i < n; i += L) FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, e, i).add(1f)).intoArray(e, i);
            }
            case SILU, GELU_TANH -> {
                // x sigmoid(x), and 0.5 x (1 + tanh(u)) = x / (1 + exp(-2u)), which has no cancellation for x < 0.
                for (int i = 0; i < n; i += L) FloatVector.fromArray(S, x, i).div(FloatVector.fromArray(S, e, i).add(1f)).intoArray(e, i);
            }
            case TANH -> {
                // Cephes' odd polynomial below |x| = 0.625, (1 - e^-2|x|) / (1 + e^-2|x|) with the sign of x above.
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i), z = FloatVector.fromArray(S, e, i);
                    FloatVector large = FloatVector.broadcast(S, 1f).sub(z).div(z.add(1f));
                    large = large.blend(large.neg(), v.compare(VectorOperators.LT, 0f));
                    FloatVector v2 = v.mul(v);
                    FloatVector p = v2.fma(-5.70498872745e-3f, 2.06390887954e-2f);
                    p = p.fma(v2, FloatVector.broadcast(S, -5.37397155531e-2f));
                    p = p.fma(v2, FloatVector.broadcast(S, 1.33314422036e-1f));
                    p = p.fma(v2, FloatVector.broadcast(S, -3.33332819422e-1f));
                    FloatVector small = v.mul(v2).fma(p, v);
                    large.blend(small, v.abs().compare(VectorOperators.LT, 0.625f)).intoArray(e, i);
                }
            }
            case ERF -> {
                // Abramowitz and Stegun 7.1.26, to 1.5e-7, as PyTorch's vectorised erf.
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector t = FloatVector.broadcast(S, 1f).div(v.abs().fma(0.3275911f, 1f));
                    FloatVector p = t.fma(1.061405429f, -1.453152027f);
                    p = p.fma(t, FloatVector.broadcast(S, 1.421413741f));
                    p = p.fma(t, FloatVector.broadcast(S, -0.284496736f));
                    p = p.fma(t, FloatVector.broadcast(S, 0.254829592f));
                    FloatVector y = FloatVector.broadcast(S, 1f).sub(p.mul(t).mul(FloatVector.fromArray(S, e, i)));
                    y.blend(y.neg(), v.compare(VectorOperators.LT, 0f)).intoArray(e, i);
                }
            }
            default -> throw new AssertionError(op);
        }
    }

    /** b = op(a) for the ops that need no exponential. */
    private static void simple(UnaryOp op, float[] a, float[] b, int n, float c) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, i).neg().intoArray(b, i); }
            case SQRT -> { for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, i).sqrt().intoArray(b, i); }
            case RSQRT -> { for (int i = 0; i < n; i += L) FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, a, i).sqrt()).intoArray(b, i); }
            case RECIP -> { for (int i = 0; i < n; i += L) FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, a, i)).intoArray(b, i); }
            case SQUARE -> { for (int i = 0; i < n; i += L) { FloatVector v = FloatVector.fromArray(S, a, i); v.mul(v).intoArray(b, i); } }
            case ABS -> { for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, i).abs().intoArray(b, i); }
            case ADD_SCALAR -> { for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, i).add(c).intoArray(b, i); }
            case MUL_SCALAR -> { for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, i).mul(c).intoArray(b, i); }
            // As the scalar definitions: NaN is not > 0, so relu(NaN) = 0 and sign keeps NaN and signed zeros.
            case RELU -> { for (int i = 0; i < n; i += L) { FloatVector v = FloatVector.fromArray(S, a, i); FloatVector.zero(S).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(b, i); } }
            case STEP -> { for (int i = 0; i < n; i += L) FloatVector.zero(S).blend(1f, FloatVector.fromArray(S, a, i).compare(VectorOperators.GT, 0f)).intoArray(b, i); }
            case GT_SCALAR -> { for (int i = 0; i < n; i += L) FloatVector.zero(S).blend(1f, FloatVector.fromArray(S, a, i).compare(VectorOperators.GT, c)).intoArray(b, i); }
            case SIGN -> {
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, a, i);
                    v.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f)).intoArray(b, i);
                }
            }
            default -> throw new AssertionError(op);
        }
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl) {
        float[] x = data(a), y = data(b);
        float[] out = new float[al.size()];
        Walk w = new Walk(al, bl);
        int len = w.rowLength, as = w.lastStride(0), bs = w.lastStride(1);
        forSegments(w.rows, len, (r, from, to) ->
                binaryRange(op, x, w.base(0, r) + from * as, as, y, w.base(1, r) + from * bs, bs, out, r * len + from, to - from));
        return new Buffer(out);
    }

    /** out[oi + i] = op(x[xi + i*xs], y[yi + i*ys]) for i in [0, n); unit strides and one broadcast side are vectorised. */
    private static void binaryRange(BinaryOp op, float[] x, int xi, int xs, float[] y, int yi, int ys, float[] out, int oi, int n) {
        if (op != BinaryOp.POW && xs == 1 && ys == 1) {
            binaryDense(op, x, xi, y, yi, out, oi, n);
        } else if (op != BinaryOp.POW && xs + ys == 1 && xs * ys == 0) {
            // One side repeats a single value: spread it over a scratch array and run the dense kernel.
            float[] repeated = new float[Math.min(n, CHUNK)];
            java.util.Arrays.fill(repeated, xs == 0 ? x[xi] : y[yi]);
            for (int s = 0; s < n; s += CHUNK) {
                int len = Math.min(CHUNK, n - s);
                if (xs == 0) binaryDense(op, repeated, 0, y, yi + s, out, oi + s, len);
                else binaryDense(op, x, xi + s, repeated, 0, out, oi + s, len);
            }
        } else {
            for (int i = 0; i < n; i++) out[oi + i] = (float) op.apply(x[xi + i * xs], y[yi + i * ys]);
        }
    }

    /** out[oi + i] = op(x[xi + i], y[yi + i]); float arithmetic rounded from double is the float result, so the scalar tail agrees. */
    private static void binaryDense(BinaryOp op, float[] x, int xi, float[] y, int yi, float[] out, int oi, int n) {
        int i = 0, bound = S.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xi + i).add(FloatVector.fromArray(S, y, yi + i)).intoArray(out, oi + i); }
            case SUB -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xi + i).sub(FloatVector.fromArray(S, y, yi + i)).intoArray(out, oi + i); }
            case MUL -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xi + i).mul(FloatVector.fromArray(S, y, yi + i)).intoArray(out, oi + i); }
            case DIV -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xi + i).div(FloatVector.fromArray(S, y, yi + i)).intoArray(out, oi + i); }
            case MAX -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xi + i).max(FloatVector.fromArray(S, y, yi + i)).intoArray(out, oi + i); }
            case MIN -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xi + i).min(FloatVector.fromArray(S, y, yi + i)).intoArray(out, oi + i); }
            case GT -> { for (; i < bound; i += L) FloatVector.zero(S).blend(1f, FloatVector.fromArray(S, x, xi + i).compare(VectorOperators.GT, FloatVector.fromArray(S, y, yi + i))).intoArray(out, oi + i); }
            case EQ -> { for (; i < bound; i += L) FloatVector.zero(S).blend(1f, FloatVector.fromArray(S, x, xi + i).compare(VectorOperators.EQ, FloatVector.fromArray(S, y, yi + i))).intoArray(out, oi + i); }
            default -> { }
        }
        for (; i < n; i++) out[oi + i] = (float) op.apply(x[xi + i], y[yi + i]);
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
        // Columns split into blocks so that a reduction to one row (a bias gradient) still runs on every thread;
        // each output still sums its column top to bottom, whatever the split.
        int block = Math.max(L, Math.min(inner, 512));
        int blocks = (inner + block - 1) / block;
        parallel(outer * blocks, Math.max(1, PARALLEL_GRAIN / Math.max(1, n * block)), (a, b) -> {
            for (int u = a; u < b; u++) {
                int o = u / blocks, i0 = (u % blocks) * block, i1 = Math.min(inner, i0 + block);
                int ob = o * inner;
                if (!sum) java.util.Arrays.fill(out, ob + i0, ob + i1, Float.NEGATIVE_INFINITY);
                for (int j = 0; j < n; j++) {
                    int row = (o * n + j) * inner, i = i0, bound = i0 + S.loopBound(i1 - i0);
                    if (sum) {
                        for (; i < bound; i += L) FloatVector.fromArray(S, out, ob + i).add(FloatVector.fromArray(S, s, row + i)).intoArray(out, ob + i);
                        for (; i < i1; i++) out[ob + i] += s[row + i];
                    } else {
                        for (; i < bound; i += L) FloatVector.fromArray(S, out, ob + i).max(FloatVector.fromArray(S, s, row + i)).intoArray(out, ob + i);
                        for (; i < i1; i++) out[ob + i] = Math.max(out[ob + i], s[row + i]);
                    }
                }
            }
        });
        return new Buffer(out);
    }

    /**
     * Logical partial sums of a row: element i goes to partial i mod 32, up to the last whole group of 32. They
     * are two 512-bit, four 256-bit or eight 128-bit vectors (several chains in flight at every width), so the
     * grouping, and with it the rounding, is the same on every machine.
     */
    private static final int SUM_PARTIALS = 32;

    /**
     * Sum of a row: the {@value #SUM_PARTIALS} partials, then partial q and q + 16 added lanewise, those 16 added
     * lane by lane in order (see "elementwise"), then the remaining elements in order. Each branch computes exactly
     * that with this machine's vectors; C2 keeps only the one for its width.
     */
    private static float sumRow(float[] s, int off, int n) {
        int i = 0, bound = n - n % SUM_PARTIALS;
        float r = 0f;
        if (bound > 0) {
            if (L >= 16) {
                VectorSpecies<Float> v = FloatVector.SPECIES_512;
                FloatVector a0 = FloatVector.zero(v), a1 = FloatVector.zero(v);
                for (; i < bound; i += 32) {
                    a0 = a0.add(FloatVector.fromArray(v, s, off + i));
                    a1 = a1.add(FloatVector.fromArray(v, s, off + i + 16));
                }
                FloatVector q = a0.add(a1);
                for (int lane = 0; lane < 16; lane++) r += q.lane(lane);
            } else if (L == 8) {
                VectorSpecies<Float> v = FloatVector.SPECIES_256;
                FloatVector a0 = FloatVector.zero(v), a1 = FloatVector.zero(v), a2 = FloatVector.zero(v), a3 = FloatVector.zero(v);
                for (; i < bound; i += 32) {
                    a0 = a0.add(FloatVector.fromArray(v, s, off + i));
                    a1 = a1.add(FloatVector.fromArray(v, s, off + i + 8));
                    a2 = a2.add(FloatVector.fromArray(v, s, off + i + 16));
                    a3 = a3.add(FloatVector.fromArray(v, s, off + i + 24));
                }
                FloatVector q0 = a0.add(a2), q1 = a1.add(a3);
                for (int lane = 0; lane < 8; lane++) r += q0.lane(lane);
                for (int lane = 0; lane < 8; lane++) r += q1.lane(lane);
            } else if (L == 4) {
                VectorSpecies<Float> v = FloatVector.SPECIES_128;
                FloatVector a0 = FloatVector.zero(v), a1 = FloatVector.zero(v), a2 = FloatVector.zero(v), a3 = FloatVector.zero(v);
                FloatVector a4 = FloatVector.zero(v), a5 = FloatVector.zero(v), a6 = FloatVector.zero(v), a7 = FloatVector.zero(v);
                for (; i < bound; i += 32) {
                    a0 = a0.add(FloatVector.fromArray(v, s, off + i));
                    a1 = a1.add(FloatVector.fromArray(v, s, off + i + 4));
                    a2 = a2.add(FloatVector.fromArray(v, s, off + i + 8));
                    a3 = a3.add(FloatVector.fromArray(v, s, off + i + 12));
                    a4 = a4.add(FloatVector.fromArray(v, s, off + i + 16));
                    a5 = a5.add(FloatVector.fromArray(v, s, off + i + 20));
                    a6 = a6.add(FloatVector.fromArray(v, s, off + i + 24));
                    a7 = a7.add(FloatVector.fromArray(v, s, off + i + 28));
                }
                FloatVector q0 = a0.add(a4), q1 = a1.add(a5), q2 = a2.add(a6), q3 = a3.add(a7);
                for (int lane = 0; lane < 4; lane++) r += q0.lane(lane);
                for (int lane = 0; lane < 4; lane++) r += q1.lane(lane);
                for (int lane = 0; lane < 4; lane++) r += q2.lane(lane);
                for (int lane = 0; lane < 4; lane++) r += q3.lane(lane);
            } else {
                float[] partial = new float[SUM_PARTIALS];
                for (; i < bound; i += SUM_PARTIALS) for (int q = 0; q < SUM_PARTIALS; q++) partial[q] += s[off + i + q];
                for (int q = 0; q < 16; q++) r += partial[q] + partial[q + 16];
            }
        }
        for (; i < n; i++) r += s[off + i];
        return r;
    }

    /** Maximum of a row; max is exact and, NaN and signed zeros included, independent of order, so of width. */
    private static float maxRow(float[] s, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) acc = acc.max(FloatVector.fromArray(S, s, off + i));
        float r = Float.NEGATIVE_INFINITY;
        for (int lane = 0; lane < L; lane++) r = Math.max(r, acc.lane(lane));
        for (; i < n; i++) r = Math.max(r, s[off + i]);
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
            // Many small products (attention heads): one thread per group of products, each group worth a hand-off.
            parallel(batch, (int) Math.max(1, Sgemm.WORK_PER_THREAD / Math.max(1L, (long) m * n * k)), (s, e) -> {
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
