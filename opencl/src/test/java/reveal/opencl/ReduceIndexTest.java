package reveal.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.opencl.OpenCl.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.Layout;
import reveal.engine.ReduceOp;
import reveal.engine.Storage;
import reveal.engine.Tensor;

class ReduceIndexTest {
    static Stream<Arguments> reduceCases() {
        int[][] shapes = {
            {1, 1, 1}, {1, 7, 1}, {7, 1023, 1}, {33, 255, 1}, {1, 33, 255}, {255, 7, 33}, {3, 1023, 5},
            {1, 100_000, 1}, {2, 50_000, 3}, {1, 3000, 1023}, // long axes, few outputs: the two-pass path
        };
        List<Arguments> cases = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) for (int[] s : shapes) cases.add(Arguments.of(op, s[0], s[1], s[2]));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} [{1}, {2}, {3}]")
    @MethodSource("reduceCases")
    void reduceMatchesReference(ReduceOp op, int outer, int n, int inner) {
        OpenClBackend cl = backend();
        int size = outer * n * inner;
        float[] x = normal(outer * 31L + n * 7L + inner, size, 1.0);
        double[] ref = REF.download(REF.reduce(op, REF.upload(x), outer, n, inner), Layout.contiguous(outer * inner));
        double[] got = cl.download(cl.reduce(op, cl.upload(x), outer, n, inner), Layout.contiguous(outer * inner));
        // A float sum of n terms of size ~1 is good to about eps * sqrt(n) relative to the sum of magnitudes.
        double atol = op == ReduceOp.MAX ? 0 : 2e-6 * n;
        assertClose(op + " [" + outer + ", " + n + ", " + inner + "]", ref, got, 1e-6, atol);
    }

    @Test
    void maxPropagatesNaNLikeMathMax() {
        OpenClBackend cl = backend();
        float[] x = new float[300];
        for (int i = 0; i < x.length; i++) x[i] = i % 17;
        x[123] = Float.NaN; // row 0 of [2, 150] only
        double[] got = cl.download(cl.reduce(ReduceOp.MAX, cl.upload(x), 2, 150, 1), Layout.contiguous(2));
        assertTrue(Double.isNaN(got[0]), "NaN wins");
        assertTrue(got[1] == 16, "max of the other row is 16, got " + got[1]);
    }

    @Test
    void reductionsThroughTensorOps() {
        OpenClBackend cl = backend();
        Tensor[] x = pair(cl, normal(11, 4 * 33 * 7, 1.0), 4, 33, 7);
        for (int axis = 0; axis < 3; axis++) {
            int a = axis;
            Tensor[] r = {x[0].permute(2, 0, 1).max(a, true).sum(), x[1].permute(2, 0, 1).max(a, true).sum()};
            assertClose("max over axis " + a + " of a permuted view, summed", r[0], r[1], 1e-5, 1e-5);
            assertClose("softmax along " + a, x[0].softmax(a), x[1].softmax(a), 1e-5, 1e-7);
        }
    }

    @ParameterizedTest(name = "width {0}")
    @MethodSource("reveal.opencl.ReduceIndexTest#widths")
    void gatherAndScatterRows(int width) {
        OpenClBackend cl = backend();
        int rows = 37;
        int[] ids = {5, 0, 36, 5, 5, 12, 0, 36, 1, 2, 3, 5, 20}; // duplicates, rows never named
        float[] table = normal(width, rows * width, 1.0);
        Layout out = Layout.contiguous(ids.length, width);
        double[] ref = REF.download(REF.gatherRows(REF.upload(table), rows, width, ids), out);
        Storage g = cl.gatherRows(cl.upload(table), rows, width, ids);
        assertClose("gatherRows", ref, cl.download(g, out), 0, 0);

        float[] src = normal(width + 1, ids.length * width, 1.0);
        Layout back = Layout.contiguous(rows, width);
        double[] sref = REF.download(REF.scatterAddRows(REF.upload(src), width, ids, rows), back);
        double[] sgot = cl.download(cl.scatterAddRows(cl.upload(src), width, ids, rows), back);
        assertClose("scatterAddRows", sref, sgot, 1e-6, 1e-6);
    }

    static Stream<Integer> widths() {
        return Stream.of(1, 7, 33, 255, 1023);
    }

    @Test
    void scatterPlanGroupsSourcesByDestinationInOrder() {
        // ids 3,1,3,0 -> destinations 0,1,3 with sources [3], [1], [0,2]
        assertArrayEquals(new int[] {0, 1, 3, 0, 1, 2, 4, 3, 1, 0, 2}, OpenClBackend.scatterPlan(new int[] {3, 1, 3, 0}));
    }

    @Test
    void indexingThroughTensorOps() {
        OpenClBackend cl = backend();
        Tensor[] x = pair(cl, normal(12, 6 * 9, 1.0), 6, 9);
        int[] pick = {8, 0, 3, 3, 1, 7};
        assertClose("gatherLast", x[0].gatherLast(pick), x[1].gatherLast(pick), 0, 0);
        assertClose("indexSelect axis 1", x[0].indexSelect(1, new int[] {2, 2, 5}), x[1].indexSelect(1, new int[] {2, 2, 5}), 0, 0);
    }
}
