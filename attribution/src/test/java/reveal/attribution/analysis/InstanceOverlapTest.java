package reveal.attribution.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceOverlapTest {
    @Test
    void overlapOfIaTopKWithNaListsPerTest() {
        double[][] ia = {{5, 4, 3, 2, 1}, {0, 0, 1, 2, 0}, {1, 2, 3, 4, 5}};
        List<int[]> na = List.of(new int[] {1, 3, 4}, new int[] {}, new int[] {4, 3});
        InstanceOverlap o = InstanceOverlap.of(ia, na, 2);
        // test 0: A = {0, 1}, c = 1; test 1: A = {3, 2}, B empty, c = 0; test 2: A = {4, 3}, c = 2.
        assertEquals((0.5 + 0 + 1) / 3, o.meanOverIa(), 1e-15);
        assertEquals((1.0 / 3 + 0 + 1) / 3, o.meanOverNa(), 1e-15);
        assertEquals(1, o.zeroOverlap());
        assertEquals(3, o.tests());
    }
}
