package reveal.engine.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;
import reveal.engine.reference.ReferenceBackend;

/**
 * Every differentiable op of the engine as a small scalar test function with seeded inputs, so that
 * {@code ./reveal gradcheck} and the tests audit the same list. {@code secondOrder} marks the ops that
 * Hessian-vector products go through.
 */
public final class OpCatalog {
    private OpCatalog() {
    }

    public record Case(String name, Function<List<Tensor>, Tensor> fn, List<Tensor> inputs, boolean secondOrder) {
    }

    private static Tensor in(long seed, int... shape) {
        return Tensor.randn(ReferenceBackend.INSTANCE, seed, 1.0, shape);
    }

    /** Positive inputs for log, sqrt, pow and division. */
    private static Tensor positive(long seed, int... shape) {
        return Tensor.rand(ReferenceBackend.INSTANCE, seed, 0.5, 2.0, shape);
    }

    /** Reduces any output to a scalar with fixed random weights, so every output element is checked. */
    private static Tensor weighted(Tensor y) {
        return y.mul(Tensor.randn(y.backend(), 99, 1.0, y.shape())).sum();
    }

    private static Case unary(String name, Function<Tensor, Tensor> f, Tensor x, boolean second) {
        return new Case(name, xs -> weighted(f.apply(xs.get(0))), List.of(x), second);
    }

    private static Case binary(String name, Function<List<Tensor>, Tensor> f, Tensor a, Tensor b, boolean second) {
        return new Case(name, xs -> weighted(f.apply(xs)), List.of(a, b), second);
    }

    public static List<Case> all() {
        List<Case> c = new ArrayList<>();
        c.add(unary("neg", Tensor::neg, in(1, 3, 4), true));
        c.add(unary("exp", Tensor::exp, in(2, 3, 4), true));
        c.add(unary("log", Tensor::log, positive(3, 3, 4), true));
        c.add(unary("sqrt", Tensor::sqrt, positive(4, 3, 4), true));
        c.add(unary("rsqrt", Tensor::rsqrt, positive(5, 3, 4), true));
        c.add(unary("tanh", Tensor::tanh, in(6, 3, 4), true));
        c.add(unary("sigmoid", Tensor::sigmoid, in(7, 3, 4), true));
        c.add(unary("relu", Tensor::relu, in(8, 3, 4), true));
        c.add(unary("erf", Tensor::erf, in(9, 3, 4), true));
        c.add(unary("gelu", Tensor::gelu, in(10, 3, 4), true));
        c.add(unary("gelu_tanh", Tensor::geluTanh, in(11, 3, 4), true));
        c.add(unary("silu", Tensor::silu, in(12, 3, 4), true));
        c.add(unary("abs", Tensor::abs, in(13, 3, 4), false));
        c.add(unary("recip", Tensor::recip, positive(14, 3, 4), true));
        c.add(unary("square", Tensor::square, in(15, 3, 4), true));
        c.add(unary("pow(2.5)", x -> x.pow(2.5), positive(16, 3, 4), true));
        c.add(unary("add/mul scalar", x -> x.add(1.5).mul(-2.0), in(17, 3, 4), true));
        c.add(binary("add (broadcast)", xs -> xs.get(0).add(xs.get(1)), in(20, 2, 3, 4), in(21, 3, 1), true));
        c.add(binary("sub (broadcast)", xs -> xs.get(0).sub(xs.get(1)), in(22, 3, 4), in(23, 4), true));
        c.add(binary("mul (broadcast)", xs -> xs.get(0).mul(xs.get(1)), in(24, 2, 3, 4), in(25, 1, 4), true));
        c.add(binary("div (broadcast)", xs -> xs.get(0).div(xs.get(1)), in(26, 3, 4), positive(27, 3, 1), true));
        c.add(binary("pow (tensor)", xs -> xs.get(0).pow(xs.get(1)), positive(28, 3, 4), in(29, 3, 4), true));
        c.add(binary("maximum", xs -> xs.get(0).maximum(xs.get(1)), in(30, 3, 4), in(31, 3, 4), false));
        c.add(binary("where", xs -> xs.get(0).where(xs.get(0).gt(0.0), xs.get(1)), in(32, 3, 4), in(33, 3, 4), true));
        c.add(unary("masked fill", x -> x.maskedFill(x.gt(0.3), -2.0), in(34, 3, 4), true));
        c.add(unary("sum(axis)", x -> x.sum(1, false), in(40, 2, 3, 4), true));
        c.add(unary("mean(axis, keep)", x -> x.mean(-1, true), in(41, 2, 3, 4), true));
        c.add(unary("max(axis)", x -> x.max(0, false), in(42, 3, 5), false));
        c.add(binary("matmul", xs -> xs.get(0).matmul(xs.get(1)), in(50, 3, 4), in(51, 4, 5), true));
        c.add(binary("matmul (batched, broadcast)", xs -> xs.get(0).matmul(xs.get(1)), in(52, 2, 3, 4), in(53, 4, 2), true));
        c.add(binary("matmul (transposed views)", xs -> xs.get(0).transpose(0, 1).matmul(xs.get(1).transpose(-1, -2)), in(54, 4, 3), in(55, 2, 5, 4), true));
        c.add(unary("reshape/permute", x -> x.reshape(3, 2, 4).permute(2, 0, 1).contiguous(), in(60, 6, 4), true));
        c.add(unary("slice", x -> x.slice(1, 1, 3), in(61, 3, 4), true));
        c.add(unary("expand", x -> x.expand(2, 3, 4), in(62, 3, 1), true));
        c.add(binary("concat", xs -> Tensor.concat(List.of(xs.get(0), xs.get(1)), 1), in(63, 2, 3), in(64, 2, 2), true));
        c.add(unary("split", x -> x.split(0, 1, 3)[1].mul(x.split(0, 1, 3)[0]), in(65, 4, 3), true));
        c.add(unary("gatherRows (embedding)", x -> x.gatherRows(new int[] {2, 0, 2, 1}), in(70, 3, 4), true));
        c.add(unary("scatterAddRows", x -> x.scatterAddRows(new int[] {1, 1, 0}, 4), in(71, 3, 2), true));
        c.add(unary("gatherLast", x -> x.gatherLast(new int[] {3, 0, 1}), in(72, 3, 4), true));
        c.add(unary("indexSelect", x -> x.indexSelect(1, new int[] {2, 0}), in(73, 2, 3, 2), true));
        c.add(unary("softmax", x -> x.softmax(-1), in(80, 3, 5), true));
        c.add(unary("softmax (masked)", x -> x.add(causalMask(4)).softmax(-1), in(81, 2, 4, 4), true));
        c.add(unary("logSoftmax", x -> x.logSoftmax(-1), in(82, 3, 5), true));
        c.add(new Case("layerNorm", xs -> weighted(Functional.layerNorm(xs.get(0), xs.get(1), xs.get(2), 1e-5)),
                List.of(in(83, 3, 6), in(84, 6), in(85, 6)), true));
        c.add(new Case("rmsNorm", xs -> weighted(Functional.rmsNorm(xs.get(0), xs.get(1), 1e-6)), List.of(in(86, 3, 6), in(87, 6)), true));
        c.add(new Case("crossEntropy (ignore index)", xs -> Functional.crossEntropy(xs.get(0), new int[] {1, -100, 4, 0}, -100),
                List.of(in(88, 4, 5)), true));
        c.add(unary("dropout (seeded)", x -> Functional.dropout(x, 0.3, 5), in(89, 4, 5), true));
        c.add(new Case("linear", xs -> weighted(Functional.linear(xs.get(0), xs.get(1), xs.get(2))), List.of(in(90, 3, 4), in(91, 5, 4), in(92, 5)), true));
        return c;
    }

    /** Additive causal mask [n, n]: 0 on and below the diagonal, a large negative value above. */
    public static Tensor causalMask(int n) {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) m[i * n + j] = -1e30;
        return Tensor.of(ReferenceBackend.INSTANCE, m, n, n);
    }
}
