package reveal.engine;

import static reveal.engine.Inputs.AWKWARD;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.Inputs.View;
import reveal.engine.bench.TransformerBlock;
import reveal.engine.nn.Functional;

/**
 * Every primitive of each fast backend against the float64 reference, on float32-exact random inputs of awkward
 * sizes (single elements, vector tails, sizes that split across threads) and on strided, sliced and broadcast views.
 * Elementwise results must agree to a few float32 ulps; a sum to a few ulps of the sum of its terms' magnitudes.
 */
class BackendParityTest {
    private static final Backend R = Backends.REFERENCE;
    /** Relative to max(1, |value|): float32 has 6e-8; vectorised transcendentals may lose a few ulps more. */
    private static final double ELEMENTWISE = 1e-6;
    /** Relative to the sum of the magnitudes of the summed terms. */
    private static final double SUMMED = 2e-6;

    static Tensor input(Backend b, long seed, DoubleUnaryOperator domain, int... shape) {
        return Tensor.of(b, Inputs.floats(seed, 1.0, Layout.sizeOf(shape), domain), shape);
    }

    /** f on the reference and on the backend, compared elementwise. */
    private static void assertParity(Backend b, Function<Backend, Tensor> f, String what) {
        Inputs.assertClose(f.apply(R), f.apply(b), ELEMENTWISE, what + " on " + b.name());
    }

    /** f on the reference and on the backend, where each value sums the terms that {@code magnitude} sums in absolute value. */
    private static void assertSummedParity(Backend b, Function<Backend, Tensor> f, Tensor magnitude, String what) {
        Tensor want = f.apply(R), got = f.apply(b);
        Inputs.assertClose(want.toDoubleArray(), got.toDoubleArray(), magnitude.toDoubleArray(), SUMMED, what + " on " + b.name());
    }

    static Stream<Arguments> backendsAnd(Object[] values) {
        return Backends.underTest().flatMap(b -> java.util.Arrays.stream(values).map(v -> Arguments.of(b, v)));
    }

    static Stream<Arguments> unaryOps() {
        return backendsAnd(UnaryOp.values());
    }

    static Stream<Arguments> binaryOps() {
        return backendsAnd(BinaryOp.values());
    }

    static Stream<Arguments> views() {
        return backendsAnd(View.values());
    }

    @ParameterizedTest
    @MethodSource("unaryOps")
    void unary(Backend b, UnaryOp op) {
        DoubleUnaryOperator domain = GradientTest.domain(op);
        double c = op == UnaryOp.POW_SCALAR ? 2.5 : op == UnaryOp.GT_SCALAR ? 0.3 : 0.7;
        for (int n : AWKWARD) {
            for (View view : View.values()) {
                // 33 rows of 1023 split across threads; the inputs span the saturated tails of tanh, erf and exp.
                assertParity(b, be -> view.of(input(be, n, x -> domain.applyAsDouble(3 * x), 33, n)).unary(op, c), op + " of " + view + " [33, " + n + "]");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("binaryOps")
    void binary(Backend b, BinaryOp op) {
        DoubleUnaryOperator da = op == BinaryOp.POW ? x -> Math.abs(x) + 0.2 : x -> x;
        DoubleUnaryOperator db = op == BinaryOp.DIV ? x -> x + Math.copySign(0.5, x) : x -> x;
        for (int n : AWKWARD) {
            int[][][] shapes = {{{33, n}, {33, n}}, {{33, n}, {n}}, {{33, n}, {33, 1}}, {{1, n}, {33, n}}, {{33, n}, {}}, {{}, {33, n}}, {{3, 1, n}, {7, 1}}};
            for (int[][] s : shapes) {
                for (View view : View.values()) {
                    String what = op + " of " + view + " " + java.util.Arrays.toString(s[0]) + " and " + java.util.Arrays.toString(s[1]);
                    assertParity(b, be -> {
                        Tensor x = view.of(input(be, 1, da, s[0])), y = view.of(input(be, 2, db, s[1]));
                        // EQ needs ties: compare against a copy of x with every other element changed.
                        if (op == BinaryOp.EQ && s[0].length == s[1].length) y = x.add(x.gt(0.0));
                        return x.binary(op, y);
                    }, what);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("views")
    void reductions(Backend b, View view) {
        for (int n : AWKWARD) {
            int[][] shapes = {{3, n, 5}, {n, 7}, {7, n}, {n}, {2, 33, n}};
            for (int[] shape : shapes) {
                for (int axis = 0; axis < shape.length; axis++) {
                    int a = axis;
                    String what = view + " " + java.util.Arrays.toString(shape) + " along axis " + a;
                    Tensor magnitude = input(R, 3, x -> x, shape).abs().sum(a, false);
                    assertSummedParity(b, be -> view.of(input(be, 3, x -> x, shape)).sum(a, false), magnitude, "sum of " + what);
                    assertParity(b, be -> view.of(input(be, 3, x -> x, shape)).max(a, true), "max of " + what);
                }
            }
        }
    }

    /**
     * (m, n, k) triples in which each awkward size appears: the unpacked path (m = 1, tiny), the packed one with k
     * over its depth block, and one with m over its row block that splits across threads.
     */
    private static final int[][] PRODUCTS = {{1, 1, 1}, {7, 33, 1023}, {255, 7, 33}, {33, 1023, 7}, {1, 255, 1023}, {1023, 1, 33}, {255, 33, 255}};

    @ParameterizedTest
    @MethodSource("reveal.engine.Backends#underTest")
    void matmulOfEveryTransposition(Backend b) {
        for (int[] p : PRODUCTS) {
            int m = p[0], n = p[1], k = p[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Function<Backend, Tensor> a = be -> ta ? input(be, 4, x -> x, k, m).transpose(0, 1) : input(be, 4, x -> x, m, k);
                    Function<Backend, Tensor> bm = be -> tb ? input(be, 5, x -> x, n, k).transpose(0, 1) : input(be, 5, x -> x, k, n);
                    Tensor magnitude = a.apply(R).abs().matmul(bm.apply(R).abs());
                    assertSummedParity(b, be -> a.apply(be).matmul(bm.apply(be)), magnitude,
                            String.format("matmul m=%d n=%d k=%d transA=%b transB=%b", m, n, k, ta, tb));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("reveal.engine.Backends#underTest")
    void batchedMatmulOfViews(Backend b) {
        List<Named<Function<Backend, Tensor[]>>> cases = List.of(
                Named.of("batched", be -> new Tensor[] {input(be, 6, x -> x, 3, 33, 7), input(be, 7, x -> x, 3, 7, 255)}),
                Named.of("broadcast batch", be -> new Tensor[] {input(be, 6, x -> x, 2, 1, 7, 33), input(be, 7, x -> x, 3, 33, 7)}),
                Named.of("attention heads", be -> new Tensor[] {input(be, 6, x -> x, 12, 33, 16), input(be, 7, x -> x, 12, 33, 16).transpose(-1, -2)}),
                Named.of("large batched", be -> new Tensor[] {input(be, 6, x -> x, 2, 255, 33), input(be, 7, x -> x, 33, 255)}),
                Named.of("heads sliced from qkv", be -> {
                    Tensor perHead = input(be, 6, x -> x, 33, 3 * 4, 8).permute(1, 0, 2);
                    return new Tensor[] {perHead.slice(0, 0, 4), perHead.slice(0, 4, 8).transpose(-1, -2)};
                }),
                Named.of("broadcast row", be -> new Tensor[] {input(be, 6, x -> x, 1, 33).expand(7, 33), input(be, 7, x -> x, 33, 255)}),
                Named.of("broadcast column", be -> new Tensor[] {input(be, 6, x -> x, 7, 1).expand(7, 255), input(be, 7, x -> x, 255, 33)}));
        for (Named<Function<Backend, Tensor[]>> c : cases) {
            Tensor[] ref = c.getPayload().apply(R);
            Tensor magnitude = ref[0].abs().matmul(ref[1].abs());
            assertSummedParity(b, be -> {
                Tensor[] ops = c.getPayload().apply(be);
                return ops[0].matmul(ops[1]);
            }, magnitude, "matmul, " + c.getName());
        }
    }

    @ParameterizedTest
    @MethodSource("views")
    void indexing(Backend b, View view) {
        for (int width : AWKWARD) {
            int[] ids = {4, 0, 4, 2, 6, 4};
            assertParity(b, be -> view.of(input(be, 8, x -> x, 7, width)).gatherRows(ids), "gatherRows width " + width);
            Tensor magnitude = input(R, 9, x -> x, 6, width).abs().scatterAddRows(ids, 7);
            assertSummedParity(b, be -> view.of(input(be, 9, x -> x, 6, width)).scatterAddRows(ids, 7), magnitude, "scatterAddRows width " + width);
            int[] cols = {0, width - 1, width / 2};
            assertParity(b, be -> view.of(input(be, 10, x -> x, 3, width)).gatherLast(cols), "gatherLast width " + width);
            assertParity(b, be -> view.of(input(be, 11, x -> x, 2, width, 3)).indexSelect(1, new int[] {width - 1, 0}), "indexSelect width " + width);
        }
    }

    @ParameterizedTest
    @MethodSource("views")
    void copiesAndViews(Backend b, View view) {
        for (int n : AWKWARD) {
            String what = view + " of size " + n;
            assertParity(b, be -> view.of(input(be, 12, x -> x, 7, n, 5)).permute(2, 0, 1).contiguous(), "permuted copy, " + what);
            assertParity(b, be -> view.of(input(be, 13, x -> x, 33, n)).slice(1, n / 2, n).reshape(-1), "sliced reshape, " + what);
            assertParity(b, be -> view.of(input(be, 14, x -> x, 1, n)).expand(3, n).contiguous(), "expanded copy, " + what);
            assertParity(b, be -> Tensor.concat(List.of(view.of(input(be, 15, x -> x, 3, n)), input(be, 16, x -> x, 3, 2)), 1), "concat, " + what);
            assertParity(b, be -> {
                Tensor leaf = Tensor.zeros(be, 4, n);
                leaf.assign(view.of(input(be, 17, x -> x, 4, n)));
                return leaf;
            }, "assign, " + what);
        }
    }

    /** Composite ops forward and backward: the gradient of a weighted sum of the output with respect to the input. */
    @ParameterizedTest
    @MethodSource("reveal.engine.Backends#underTest")
    void compositesAndTheirGradients(Backend b) {
        for (int n : AWKWARD) {
            int[] targets = new int[33];
            for (int i = 0; i < targets.length; i++) targets[i] = i % 5 == 0 ? -100 : (i * 7) % n;
            List<Named<Function<Tensor, Tensor>>> ops = List.of(
                    Named.of("softmax", x -> x.softmax(-1)),
                    Named.of("softmax along rows", x -> x.softmax(0)),
                    Named.of("masked logSoftmax", x -> x.slice(1, 0, Math.min(n, 33)).add(TransformerBlock.causalMask(x.backend(), 33).slice(1, 0, Math.min(n, 33))).logSoftmax(-1)),
                    Named.of("layerNorm", x -> Functional.layerNorm(x, Tensor.full(x.backend(), 1.5, n), Tensor.full(x.backend(), 0.1, n), 1e-5)),
                    Named.of("rmsNorm", x -> Functional.rmsNorm(x, Tensor.full(x.backend(), 0.5, n), 1e-6)),
                    Named.of("crossEntropy", x -> Functional.crossEntropy(x, targets, -100).reshape(1)),
                    Named.of("geluTanh", Tensor::geluTanh),
                    Named.of("gelu", Tensor::gelu),
                    Named.of("dropout", x -> Functional.dropout(x, 0.25, 5)));
            for (Named<Function<Tensor, Tensor>> op : ops) {
                Function<Backend, Tensor[]> run = be -> {
                    Tensor x = input(be, 18, v -> 2 * v, 33, n).requireGrad();
                    Tensor y = op.getPayload().apply(x);
                    Tensor weights = input(be, 19, v -> v, y.shape());
                    Tensor[] g = Autograd.grad(y.mul(weights).sum(), List.of(x), false);
                    return new Tensor[] {y, g[0]};
                };
                Tensor[] want = run.apply(R), got = run.apply(b);
                String what = op.getName() + " of [33, " + n + "] on " + b.name();
                Inputs.assertClose(want[0], got[0], 1e-5, what);
                Inputs.assertClose(want[1], got[1], 1e-5, "gradient of " + what);
            }
        }
    }
}
