package reveal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.nn.Functional;

/** A shape error names the op and the shapes involved. */
class ShapeErrorTest {
    private static final Backend R = Backends.REFERENCE;

    private static Tensor t(int... shape) {
        return Tensor.zeros(R, shape);
    }

    private static Arguments error(String message, Supplier<Object> op) {
        return Arguments.of(Named.of(message, op), message);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                error("add: shapes [2, 3] and [4] do not broadcast", () -> t(2, 3).add(t(4))),
                error("mul: shapes [2, 1, 3] and [4, 2] do not broadcast", () -> t(2, 1, 3).mul(t(4, 2))),
                error("matmul: shapes [2, 3] and [4, 5] (inner dimensions 3 != 4)", () -> t(2, 3).matmul(t(4, 5))),
                error("matmul: shapes [2, 3, 4] and [3, 4, 5] (batch axes do not broadcast)", () -> t(2, 3, 4).matmul(t(3, 4, 5))),
                error("matmul: needs rank >= 2, got shapes [3] and [3, 4]", () -> t(3).matmul(t(3, 4))),
                error("reshape: cannot view shape [2, 3] as [4, 2]", () -> t(2, 3).reshape(4, 2)),
                error("expand: cannot expand shape [2, 3] to [4, 3]", () -> t(2, 3).expand(4, 3)),
                error("concat: shapes [2, 3] and [3, 3] differ outside axis 1", () -> Tensor.concat(List.of(t(2, 3), t(3, 3)), 1)),
                error("slice: [1, 5) of axis 1 in shape [2, 3]", () -> t(2, 3).slice(1, 1, 5)),
                error("permute: order [1, 0] for shape [2, 3, 4]", () -> t(2, 3, 4).permute(1, 0)),
                error("assign: shape [3] into [2]", () -> {
                    t(2).assign(t(3));
                    return null;
                }),
                error("setGrad: shape [2, 2] for [4]", () -> {
                    t(4).setGrad(t(2, 2));
                    return null;
                }),
                error("of: 5 values do not fill shape [2, 3]", () -> Tensor.of(R, new double[5], 2, 3)),
                error("scatterAddRows: shape [3, 2] for 4 indices", () -> t(3, 2).scatterAddRows(new int[4], 5)),
                error("gatherLast: 2 indices for 3 rows of shape [3, 4]", () -> t(3, 4).gatherLast(new int[2])),
                error("gatherRows: needs a matrix, got shape [2, 3, 4]", () -> t(2, 3, 4).gatherRows(new int[1])),
                error("crossEntropy: logits of shape [3, 4] for 2 targets", () -> Functional.crossEntropy(t(3, 4), new int[2])),
                error("linear: input of shape [2, 3] and weight of shape [4, 5] (weight must be [out, 3])", () -> Functional.linear(t(2, 3), t(4, 5), null)),
                error("layerNorm: input of shape [2, 3] and parameter of shape [4] (must be [3])", () -> Functional.layerNorm(t(2, 3), t(4), null, 1e-5)),
                error("rmsNorm: input of shape [2, 3] and parameter of shape [3, 1] (must be [3])", () -> Functional.rmsNorm(t(2, 3), t(3, 1), 1e-5)),
                error("sumTo: cannot reduce shape [2, 3] to [2, 2]", () -> t(2, 3).sumTo(new int[] {2, 2})),
                error("squeeze: axis 1 of shape [2, 3] is not 1", () -> t(2, 3).squeeze(1)));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void messageNamesTheOpAndTheShapes(Supplier<Object> op, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, op::get).getMessage());
    }
}
