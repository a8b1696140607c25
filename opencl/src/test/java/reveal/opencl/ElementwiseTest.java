package reveal.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.opencl.OpenCl.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.BinaryOp;
import reveal.engine.Layout;
import reveal.engine.Storage;
import reveal.engine.Tensor;
import reveal.engine.UnaryOp;

class ElementwiseTest {
    static final int[] SIZES = {1, 7, 33, 255, 1023};
    /** Float32 special functions are good to a few ulp (OpenCL allows 16 for erf and pow). */
    static final double RTOL = 2e-5, ATOL = 1e-6;

    static Stream<Arguments> unaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) for (int n : SIZES) cases.add(Arguments.of(op, n));
        return cases.stream();
    }

    static Stream<Arguments> binaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) for (int n : SIZES) cases.add(Arguments.of(op, n));
        return cases.stream();
    }

    /** Inputs inside each op's domain, with a scalar that exercises it. */
    static float[] input(UnaryOp op, int n) {
        float[] x = normal(op.ordinal() * 100L + n, n, 2.0);
        for (int i = 0; i < n; i++) {
            switch (op) {
                case LOG, SQRT, RSQRT, POW_SCALAR -> x[i] = Math.abs(x[i]) + 0.05f;
                case RECIP -> x[i] = Math.copySign(Math.abs(x[i]) + 0.1f, x[i]);
                default -> { }
            }
        }
        return x;
    }

    static double scalar(UnaryOp op) {
        return switch (op) {
            case ADD_SCALAR -> -1.25;
            case MUL_SCALAR -> 0.1; // not a float: the backend rounds it
            case POW_SCALAR -> 1.7;
            case GT_SCALAR -> 0.3;
            default -> 0;
        };
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("unaryCases")
    void unaryMatchesReference(UnaryOp op, int n) {
        OpenClBackend cl = backend();
        float[] x = input(op, n);
        double c = scalar(op);
        double[] ref = REF.download(REF.unary(op, REF.upload(x), Layout.contiguous(n), c), Layout.contiguous(n));
        double[] got = cl.download(cl.unary(op, cl.upload(x), Layout.contiguous(n), c), Layout.contiguous(n));
        assertClose(op + " n=" + n, ref, got, RTOL, ATOL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reveal.opencl.ElementwiseTest#unaryOps")
    void unaryAtSpecialValues(UnaryOp op) {
        OpenClBackend cl = backend();
        float[] x = {0f, -0f, 1f, -1f, 0.5f, -3f, 1e-30f, 20f, -20f, 100f, -100f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        double c = op == UnaryOp.POW_SCALAR ? 2.0 : scalar(op); // integer power: defined for negative bases
        Layout l = Layout.contiguous(x.length);
        double[] ref = REF.download(REF.unary(op, REF.upload(x), l, c), l);
        double[] got = cl.download(cl.unary(op, cl.upload(x), l, c), l);
        assertClose(op + " at special values", ref, got, RTOL, 1e-30);
    }

    static Stream<UnaryOp> unaryOps() {
        return Stream.of(UnaryOp.values());
    }

    @Test
    void gtScalarComparesAgainstTheDoubleThreshold() {
        OpenClBackend cl = backend();
        float[] x = {0.1f, Math.nextDown(0.1f), Math.nextUp(0.1f), 1f / 3, 0.3f};
        for (double c : new double[] {0.1, 1.0 / 3, 0.3, -0.0}) {
            Layout l = Layout.contiguous(x.length);
            double[] ref = REF.download(REF.unary(UnaryOp.GT_SCALAR, REF.upload(x), l, c), l);
            double[] got = cl.download(cl.unary(UnaryOp.GT_SCALAR, cl.upload(x), l, c), l);
            assertClose("x > " + c, ref, got, 0, 0);
        }
    }

    /** Operands of shape [n, 3]: a transposed view, b a broadcast row; values chosen so EQ and GT see ties. */
    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("binaryCases")
    void binaryMatchesReferenceOnViews(BinaryOp op, int n) {
        OpenClBackend cl = backend();
        float[] a = normal(op.ordinal() * 10L + n, 3 * n, 2.0), b = normal(op.ordinal() * 10L + n + 1, 3, 2.0);
        for (int i = 0; i < a.length; i++) a[i] = op == BinaryOp.POW ? Math.abs(a[i]) + 0.05f : Math.round(a[i] * 2) / 2f;
        for (int i = 0; i < b.length; i++) b[i] = op == BinaryOp.DIV ? Math.copySign(Math.abs(b[i]) + 0.5f, b[i]) : Math.round(b[i] * 2) / 2f;
        Layout al = new Layout(new int[] {n, 3}, new int[] {1, n}, 0); // the transpose of a dense [3, n]
        Layout bl = new Layout(new int[] {n, 3}, new int[] {0, 1}, 0); // a row repeated n times
        Layout out = Layout.contiguous(n, 3);
        double[] ref = REF.download(REF.binary(op, REF.upload(a), al, REF.upload(b), bl), out);
        double[] got = cl.download(cl.binary(op, cl.upload(a), al, cl.upload(b), bl), out);
        assertClose(op + " n=" + n, ref, got, RTOL, ATOL);
    }

    @Test
    void binaryFollowsJavaMaxMinAndComparisons() {
        OpenClBackend cl = backend();
        float[] a = {0f, -0f, Float.NaN, 1f, Float.NEGATIVE_INFINITY, 2f, Float.NaN};
        float[] b = {-0f, 0f, 1f, Float.NaN, 3f, 2f, Float.NaN};
        Layout l = Layout.contiguous(a.length);
        for (BinaryOp op : BinaryOp.values()) {
            double[] ref = REF.download(REF.binary(op, REF.upload(a), l, REF.upload(b), l), l);
            double[] got = cl.download(cl.binary(op, cl.upload(a), l, cl.upload(b), l), l);
            assertClose(op + " at special values", ref, got, 0, 0);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(Math.copySign(1.0, ref[i]), Math.copySign(1.0, got[i]), op + ": sign of element " + i + " (signed zeros)");
            }
        }
    }

    /** Views of every kind through Tensor ops: permutes, slices with offsets, broadcasts, and their dense copies. */
    @Test
    void stridedAndBroadcastViews() {
        OpenClBackend cl = backend();
        Tensor[] x = pair(cl, normal(1, 2 * 3 * 5 * 7, 1.0), 2, 3, 5, 7);
        Tensor[] y = pair(cl, normal(2, 5 * 1 * 7, 1.0), 5, 1, 7);
        Tensor[] r = new Tensor[2];
        for (int i = 0; i < 2; i++) {
            Tensor v = x[i].permute(3, 1, 0, 2).slice(0, 2, 6).slice(2, 1, 2); // [4, 3, 1, 5], offset into storage
            Tensor w = y[i].permute(2, 1, 0).slice(0, 3, 7).expand(3, 4, 1, 5).transpose(0, 1); // [4, 3, 1, 5], stride 0 on axis 1
            r[i] = v.mul(w).add(v.exp()).sub(w.tanh().expand(2, 4, 3, 1, 5).sum(0, false)).contiguous();
        }
        assertClose("strided expression", r[0], r[1], RTOL, ATOL);
        assertClose("slice of a slice", x[0].slice(1, 1, 3).slice(3, 2, 5).contiguous(), x[1].slice(1, 1, 3).slice(3, 2, 5).contiguous(), 0, 0);
    }

    /** Ten axes that cannot be merged: the host walks the two outer ones, the kernels the inner eight. */
    @Test
    void moreThanEightAxes() {
        OpenClBackend cl = backend();
        int[] shape = {2, 3, 2, 2, 2, 2, 2, 2, 3, 2};
        int n = Layout.sizeOf(shape);
        Tensor[] x = pair(cl, normal(3, n, 1.0), shape), y = pair(cl, normal(4, n, 1.0), shape);
        int[] reverse = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        Tensor[] r = new Tensor[2];
        for (int i = 0; i < 2; i++) {
            Tensor a = x[i].permute(reverse), b = y[i].transpose(0, 9);
            r[i] = a.exp().mul(a).add(b.permute(reverse).contiguous());
        }
        assertClose("rank-10 strided ops", r[0], r[1], RTOL, ATOL);
    }

    /** concat writes each part into a strided window of the output (copyInto with a strided destination). */
    @Test
    void concatCopiesIntoStridedWindows() {
        OpenClBackend cl = backend();
        Tensor[] a = pair(cl, normal(5, 4 * 33, 1.0), 4, 33), b = pair(cl, normal(6, 4 * 7, 1.0), 7, 4);
        Tensor ref = Tensor.concat(List.of(a[0], b[0].transpose(0, 1), a[0].slice(1, 3, 10)), 1);
        Tensor got = Tensor.concat(List.of(a[1], b[1].transpose(0, 1), a[1].slice(1, 3, 10)), 1);
        assertClose("concat", ref, got, 0, 0);
    }

    @Test
    void emptyTensors() {
        OpenClBackend cl = backend();
        Tensor e = Tensor.zeros(cl, 0, 3);
        assertEquals(0, e.add(1.0).mul(e).toFloatArray().length);
        Storage s = cl.zeros(0);
        assertEquals(0, s.size());
        assertEquals(0, Tensor.zeros(cl, 4, 0).matmul(Tensor.zeros(cl, 0, 5)).sum().item(), "empty product sums to 0");
    }

    @Test
    void uploadAndDownloadRoundTrip() {
        OpenClBackend cl = backend();
        float[] x = normal(7, 1023, 3.0);
        Storage s = cl.upload(x);
        assertEquals(1023, s.size());
        float[] back = cl.downloadFloats(s, Layout.contiguous(1023));
        for (int i = 0; i < x.length; i++) assertEquals(x[i], back[i], 0f);
        float[] window = cl.downloadFloats(s, new Layout(new int[] {100}, new int[] {1}, 900));
        assertEquals(x[900], window[0], 0f);
        assertEquals(x[999], window[99], 0f);
        float[] tail = cl.downloadFloats(s, new Layout(new int[] {3}, new int[] {100}, 800));
        assertEquals(x[800], tail[0], 0f);
        assertEquals(x[1000], tail[2], 0f);
    }
}
