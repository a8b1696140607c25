package reveal.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

/** The index of the largest value, the first one on a tie (what predictions and greedy decoding rely on). */
class ArgmaxTest {
    @Test
    void firstIndexOfTheLargestValue() {
        assertEquals(2, Functional.argmax(new double[] {-1, 0.5, 3, 2}));
        assertEquals(1, Functional.argmax(new double[] {0, 7, 7, -7}));
        assertEquals(0, Functional.argmax(new double[] {-4}));
    }

    @Test
    void perRowOfAMatrix() {
        Tensor x = Tensor.of(ReferenceBackend.INSTANCE, new double[] {1, 5, 2, 9, 9, 0, -3, -2, -8}, 3, 3);
        assertArrayEquals(new int[] {1, 0, 1}, Functional.argmaxRows(x));
    }
}
