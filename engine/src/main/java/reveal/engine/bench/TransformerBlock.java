package reveal.engine.bench;

import java.util.ArrayList;
import java.util.List;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;

/**
 * A GPT-2 pre-LN transformer block written with the engine's ops: {@code x + attn(ln1(x))}, then
 * {@code h + mlp(ln2(h))} with causal multi-head softmax attention and a gelu_new MLP. Weights use PyTorch's
 * {@code [out, in]} layout. The block the benchmarks time and the engine tests differentiate twice.
 */
public final class TransformerBlock {
    private static final double LAYER_NORM_EPS = 1e-5;

    private TransformerBlock() {
    }

    /**
     * Random parameters in the order {@link #forward} takes them: ln1 weight, ln1 bias, qkv weight {@code [3h, h]},
     * qkv bias, out weight {@code [h, h]}, out bias, ln2 weight, ln2 bias, fc weight {@code [ffn, h]}, fc bias,
     * proj weight {@code [h, ffn]}, proj bias. All are Normal(0, std) (GPT-2 initialises weights with std 0.02),
     * layer-norm weights shifted to 1; biases are random too, so that every gradient path carries distinct values.
     */
    public static List<Tensor> randomParameters(Backend b, int hidden, int ffn, double std, long seed) {
        int[][] shapes = {{hidden}, {hidden}, {3 * hidden, hidden}, {3 * hidden}, {hidden, hidden}, {hidden},
            {hidden}, {hidden}, {ffn, hidden}, {ffn}, {hidden, ffn}, {hidden}};
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            Tensor t = Tensor.randn(b, seed * 31 + i, std, shapes[i]);
            if (i == 0 || i == 6) t = t.add(1.0);
            params.add(t.requireGrad());
        }
        return params;
    }

    /** Additive causal mask {@code [tokens, tokens]}: 0 on and below the diagonal, -1e9 above. */
    public static Tensor causalMask(Backend b, int tokens) {
        double[] m = new double[tokens * tokens];
        for (int i = 0; i < tokens; i++) for (int j = i + 1; j < tokens; j++) m[i * tokens + j] = -1e9;
        return Tensor.of(b, m, tokens, tokens);
    }

    /** The block applied to {@code x [tokens, hidden]}; {@code mask} is {@link #causalMask} of the same length. */
    public static Tensor forward(Tensor x, List<Tensor> p, int heads, Tensor mask) {
        int tokens = x.dim(0), hidden = x.dim(1), headDim = hidden / heads;
        if (heads * headDim != hidden) throw new IllegalArgumentException("transformer block: hidden " + hidden + " is not a multiple of " + heads + " heads");
        Tensor qkv = Functional.linear(Functional.layerNorm(x, p.get(0), p.get(1), LAYER_NORM_EPS), p.get(2), p.get(3));
        // [tokens, 3*heads, headDim] -> [3*heads, tokens, headDim]: q, k and v are views, read in place by matmul.
        Tensor perHead = qkv.reshape(tokens, 3 * heads, headDim).permute(1, 0, 2);
        Tensor q = perHead.slice(0, 0, heads), k = perHead.slice(0, heads, 2 * heads), v = perHead.slice(0, 2 * heads, 3 * heads);
        Tensor scores = q.matmul(k.transpose(-1, -2)).mul(1.0 / Math.sqrt(headDim)).add(mask);
        Tensor context = scores.softmax(-1).matmul(v).permute(1, 0, 2).reshape(tokens, hidden);
        Tensor h = x.add(Functional.linear(context, p.get(4), p.get(5)));
        Tensor ffn = Functional.linear(Functional.layerNorm(h, p.get(6), p.get(7), LAYER_NORM_EPS), p.get(8), p.get(9)).geluTanh();
        return h.add(Functional.linear(ffn, p.get(10), p.get(11)));
    }
}
