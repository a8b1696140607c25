package reveal.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.engine.Layout;

/** The host-side simplification of views the kernels rely on (no device needed). */
class StridedTest {
    @Test
    void denseViewsBecomeOneAxis() {
        Strided s = Strided.of(new int[] {2, 3, 4}, Layout.contiguousStrides(new int[] {2, 3, 4}));
        assertArrayEquals(new int[] {24}, s.shape);
        assertArrayEquals(new int[] {1}, s.strides[0]);
    }

    @Test
    void broadcastAndTransposedOperandsKeepTheirAxes() {
        // a dense [5, 7, 2] against a bias over the last two axes: the last two merge, the first stays
        Strided s = Strided.of(new int[] {5, 7, 2}, new int[] {14, 2, 1}, new int[] {0, 2, 1});
        assertArrayEquals(new int[] {5, 14}, s.shape);
        assertArrayEquals(new int[] {14, 1}, s.strides[0]);
        assertArrayEquals(new int[] {0, 1}, s.strides[1]);
        // extent-1 axes vanish; a transpose cannot merge
        Strided t = Strided.of(new int[] {1, 4, 1, 3}, new int[] {99, 1, 7, 4});
        assertArrayEquals(new int[] {4, 3}, t.shape);
        assertArrayEquals(new int[] {1, 4}, t.strides[0]);
        assertArrayEquals(new int[] {1}, Strided.of(new int[] {1, 1}, new int[] {5, 5}).shape);
    }

    /** Blocks over more than 8 axes cover every element once, at the offsets the full layout gives. */
    @Test
    void blocksCoverHighRankViews() {
        int[] shape = {2, 3, 2, 2, 2, 2, 2, 2, 2, 3};
        int[] strides = new int[shape.length];
        for (int d = 0, acc = 1; d < shape.length; d++) { // column-major: nothing merges
            strides[d] = acc;
            acc *= shape[d];
        }
        Layout l = new Layout(shape, strides, 11);
        Strided s = Strided.of(shape, strides);
        assertEquals(10, s.rank());
        List<Integer> seen = new ArrayList<>();
        s.forEachBlock(new int[] {11}, b -> {
            assertEquals(8, b.rank());
            for (int i = 0; i < b.size(); i++) {
                int idx = b.offsets()[0], rest = i;
                for (int d = 7; d >= 0; d--) {
                    idx += (rest % b.shape8()[d]) * b.strides8()[0][d];
                    rest /= b.shape8()[d];
                }
                assertEquals(l.indexOf(b.outOffset() + i), idx, "element " + (b.outOffset() + i));
                seen.add(b.outOffset() + i);
            }
        });
        assertEquals(l.size(), seen.size());
        for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i));
    }
}
