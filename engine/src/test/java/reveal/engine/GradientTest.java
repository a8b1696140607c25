package reveal.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reveal.engine.bench.TransformerBlock;
import reveal.engine.check.GradCheck;
import reveal.engine.nn.Functional;

/** Every op's first derivative against central finite differences, in float64 on the reference backend. */
class GradientTest {
    private static final Backend R = Backends.REFERENCE;
    private static final double TOLERANCE = 1e-6;

    /** A random leaf of float-exact values mapped into an op's smooth domain. */
    static Tensor input(long seed, DoubleUnaryOperator domain, int... shape) {
        return Tensor.of(R, Inputs.floats(seed, 1.0, Layout.sizeOf(shape), domain), shape);
    }

    static Tensor input(long seed, int... shape) {
        return input(seed, x -> x, shape);
    }

    /**
     * {@code sum(y * w)} for fixed random weights w: every element of y gets a different upstream gradient, so a rule
     * that mixes up elements cannot pass.
     */
    static Tensor weightedSum(Tensor y) {
        return y.mul(Tensor.randn(y.backend(), 1234, 1.0, y.shape())).sum();
    }

    static void assertGradient(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(xs -> weightedSum(f.apply(xs)), List.of(inputs));
        assertTrue(r.passed(TOLERANCE), r.toString());
    }

    /** Keeps inputs away from the kinks and poles where a central difference is meaningless. */
    static DoubleUnaryOperator domain(UnaryOp op) {
        switch (op) {
            case LOG, SQRT, RSQRT, POW_SCALAR: return x -> Math.abs(x) + 0.2;
            case RELU, STEP, ABS, SIGN, RECIP: return x -> x + Math.copySign(0.2, x);
            case GT_SCALAR: return x -> x + Math.copySign(0.2, x - 0.3);
            default: return x -> 2 * x;
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unary(UnaryOp op) {
        double c = op == UnaryOp.POW_SCALAR ? 2.5 : op == UnaryOp.GT_SCALAR ? 0.3 : 0.7;
        assertGradient(xs -> xs.get(0).unary(op, c), input(1, domain(op), 3, 5));
    }

    @Test
    void integerPowerOfNegativeValues() {
        assertGradient(xs -> xs.get(0).pow(3), input(2, 4, 3));
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryWithBroadcasting(BinaryOp op) {
        DoubleUnaryOperator da = op == BinaryOp.POW ? x -> Math.abs(x) + 0.2 : x -> x;
        DoubleUnaryOperator db = op == BinaryOp.DIV ? x -> x + Math.copySign(0.5, x) : x -> x;
        int[][][] shapes = {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{4}, {2, 3, 4}}, {{2, 3}, {}}};
        for (int[][] s : shapes) {
            assertGradient(xs -> xs.get(0).binary(op, xs.get(1)), input(3, da, s[0]), input(4, db, s[1]));
        }
    }

    @ParameterizedTest
    @CsvSource({"0,true", "1,false", "2,true", "-1,false"})
    void reductions(int axis, boolean keepDim) {
        Tensor x = input(5, 3, 4, 5);
        assertGradient(xs -> xs.get(0).sum(axis, keepDim), x);
        assertGradient(xs -> xs.get(0).mean(axis, keepDim), x);
        assertGradient(xs -> xs.get(0).max(axis, keepDim), x);
    }

    @Test
    void fullReductions() {
        assertGradient(xs -> xs.get(0).sum().square(), input(5, 3, 4));
        assertGradient(xs -> xs.get(0).mean().exp(), input(5, 2, 3, 2));
    }

    @Test
    void matmulPlainBatchedAndBroadcast() {
        assertGradient(xs -> xs.get(0).matmul(xs.get(1)), input(6, 3, 4), input(7, 4, 5));
        assertGradient(xs -> xs.get(0).matmul(xs.get(1)), input(6, 2, 3, 4), input(7, 2, 4, 5));
        assertGradient(xs -> xs.get(0).matmul(xs.get(1)), input(6, 2, 1, 3, 4), input(7, 3, 4, 2));
        assertGradient(xs -> xs.get(0).matmul(xs.get(1)), input(6, 1, 4), input(7, 4, 1));
    }

    @Test
    void matmulOfTransposedAndExpandedViews() {
        assertGradient(xs -> xs.get(0).transpose(0, 1).matmul(xs.get(1).transpose(0, 1)), input(8, 4, 3), input(9, 5, 4));
        assertGradient(xs -> xs.get(0).permute(0, 2, 1).matmul(xs.get(1)), input(8, 2, 4, 3), input(9, 4, 5));
        // Broadcast operands: a stride-0 row or column inside the matrix.
        assertGradient(xs -> xs.get(0).expand(3, 4).matmul(xs.get(1)), input(10, 1, 4), input(11, 4, 2));
        assertGradient(xs -> xs.get(0).matmul(xs.get(1).expand(4, 3)), input(10, 2, 4), input(11, 4, 1));
        assertGradient(xs -> xs.get(0).matmul(xs.get(1)).mean(-1, true), input(12, 3, 4), input(13, 4, 5));
    }

    @Test
    void views() {
        Tensor x = input(14, 2, 3, 4);
        assertGradient(xs -> xs.get(0).reshape(4, -1).mul(xs.get(0).reshape(4, 6)), x);
        assertGradient(xs -> xs.get(0).permute(2, 0, 1).square(), x);
        assertGradient(xs -> xs.get(0).slice(2, 1, 3).exp(), x);
        assertGradient(xs -> xs.get(0).slice(1, 1, 2).expand(5, 2, 1, 4).tanh(), x);
        assertGradient(xs -> xs.get(0).transpose(0, 2).contiguous().reshape(-1).square(), x);
        assertGradient(xs -> xs.get(0).unsqueeze(1).squeeze(1).unsqueeze(-1).sigmoid(), x);
    }

    @Test
    void concatAndSplit() {
        assertGradient(xs -> Tensor.concat(List.of(xs.get(0), xs.get(1).square(), xs.get(0)), 1), input(15, 2, 3), input(16, 2, 4));
        assertGradient(xs -> {
            Tensor[] parts = xs.get(0).split(-1, 1, 3, 2);
            return parts[0].mul(parts[2].slice(1, 0, 1)).add(parts[1].sum(-1, true));
        }, input(17, 3, 6));
    }

    @Test
    void indexing() {
        int[] ids = {2, 0, 2, 3};
        assertGradient(xs -> xs.get(0).gatherRows(ids), input(18, 4, 3));
        assertGradient(xs -> xs.get(0).scatterAddRows(ids, 5), input(19, 4, 3));
        assertGradient(xs -> xs.get(0).gatherLast(new int[] {1, 0, 3, 1, 2, 2}), input(20, 2, 3, 4));
        assertGradient(xs -> xs.get(0).indexSelect(1, new int[] {3, 1, 1}), input(21, 2, 4, 3));
        assertGradient(xs -> xs.get(0).permute(1, 0).gatherRows(new int[] {1, 1, 0}), input(22, 3, 2));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1})
    void softmaxAndMaskedLogSoftmax(int axis) {
        Tensor x = input(23, 5, 5);
        Tensor mask = TransformerBlock.causalMask(R, 5);
        assertGradient(xs -> xs.get(0).softmax(axis), x);
        assertGradient(xs -> xs.get(0).logSoftmax(axis), x);
        // The mask along rows only, where every row keeps its diagonal; masked outputs are multiplied out because
        // x - 1e9 has no float64 digits left for a finite difference.
        Tensor kept = mask.eq(Tensor.zeros(R, 1));
        assertGradient(xs -> xs.get(0).add(mask).softmax(-1), x);
        assertGradient(xs -> xs.get(0).add(mask).logSoftmax(-1).mul(kept), x);
    }

    @Test
    void norms() {
        assertGradient(xs -> Functional.layerNorm(xs.get(0), xs.get(1), xs.get(2), 1e-5), input(24, 3, 6), input(25, 6), input(26, 6));
        assertGradient(xs -> Functional.layerNorm(xs.get(0), null, null, 1e-5), input(27, 2, 3, 4));
        assertGradient(xs -> Functional.rmsNorm(xs.get(0), xs.get(1), 1e-6), input(28, 3, 6), input(29, 6));
    }

    @Test
    void crossEntropyWithIgnoredTargets() {
        int[] targets = {2, -100, 0, 4, -100};
        GradCheck.Result r = GradCheck.check(xs -> Functional.crossEntropy(xs.get(0), targets, -100), List.of(input(30, 5, 6)));
        assertTrue(r.passed(TOLERANCE), r.toString());
        r = GradCheck.check(xs -> Functional.crossEntropy(xs.get(0).mul(3.0), new int[] {1, 0, 3}), List.of(input(31, 3, 4)));
        assertTrue(r.passed(TOLERANCE), r.toString());
    }

    @Test
    void whereMaskedFillAndDropout() {
        Tensor cond = Tensor.of(R, new double[] {1, 0, 0, 1, 1, 0}, 2, 3);
        assertGradient(xs -> xs.get(0).where(cond, xs.get(1)), input(32, 2, 3), input(33, 3));
        assertGradient(xs -> xs.get(0).maskedFill(cond.slice(0, 0, 1), -7.0).exp(), input(34, 2, 3));
        assertGradient(xs -> Functional.dropout(xs.get(0), 0.4, 77).square(), input(35, 4, 5));
    }
}
