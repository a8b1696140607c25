package reveal.model.arch;

import java.util.List;
import reveal.engine.Tensor;

/**
 * Causal multi-head self-attention with grouped key/value heads: the projection layout, optional rotary
 * embeddings and the query scale are the per-architecture seams; ALiBi and masking arrive as an additive bias.
 */
final class Attention {

    /** How one layer turns its input into per-head queries, keys and values. */
    @FunctionalInterface
    interface Projection {
        /** {@code x [B, T, H]} to q {@code [B, T, heads, hd]}, k and v {@code [B, T, kvHeads, hd]}. */
        Tensor[] project(Tensor x);
    }

    private final Projection projection;
    private final Linear out;
    private final int heads, kvHeads, headDim;
    private final double queryScale;
    private final Positions.Rope rope;

    Attention(Projection projection, Linear out, int heads, int kvHeads, int headDim, double queryScale, Positions.Rope rope) {
        if (heads % kvHeads != 0) throw new IllegalArgumentException(heads + " query heads are not a multiple of " + kvHeads + " key/value heads");
        this.projection = projection;
        this.out = out;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.queryScale = queryScale;
        this.rope = rope;
    }

    /** One fused {@code [in, 3H]} product whose columns are q | k | v, heads contiguous in each (GPT-2 c_attn). */
    static Projection fusedBlocks(Linear qkv, int heads, int headDim) {
        return x -> split(qkv.apply(x), 2, 3, heads, headDim);
    }

    /** One fused {@code [3H, in]} product laid out per head as {@code [heads, 3, hd]} (GPT-NeoX, BLOOM). */
    static Projection fusedPerHead(Linear qkv, int heads, int headDim) {
        return x -> split(qkv.apply(x), 3, heads, 3, headDim);
    }

    /** Separate q, k and v products (OPT, Llama). */
    static Projection separate(Linear q, Linear k, Linear v, int heads, int kvHeads, int headDim) {
        return x -> {
            int b = x.dim(0), t = x.dim(1);
            return new Tensor[] {q.apply(x).reshape(b, t, heads, headDim), k.apply(x).reshape(b, t, kvHeads, headDim),
                v.apply(x).reshape(b, t, kvHeads, headDim)};
        };
    }

    /** Views {@code y [B, T, 3H]} as {@code [B, T, d2, d3, hd]} and takes q, k, v at index 0, 1, 2 of {@code axis}. */
    private static Tensor[] split(Tensor y, int axis, int d2, int d3, int headDim) {
        int b = y.dim(0), t = y.dim(1), heads = d2 * d3 / 3;
        Tensor v = y.reshape(b, t, d2, d3, headDim);
        Tensor[] parts = new Tensor[3];
        for (int i = 0; i < 3; i++) parts[i] = v.slice(axis, i, i + 1).reshape(b, t, heads, headDim);
        return parts;
    }

    /**
     * Attention output {@code [B, T, H]} for {@code x [B, T, H]}. Keys and values of earlier positions come from
     * {@code pastK/pastV} ({@code [B, kvHeads, P, hd]}, or null); the keys and values of all P+T positions are left
     * in {@code kv[0], kv[1]}. {@code cos/sin} are the rotary tables of these T positions (null without RoPE),
     * {@code bias} is the additive {@code [B|1, heads|1, T, P+T]} mask (and ALiBi) bias.
     */
    Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor bias, Tensor pastK, Tensor pastV, Tensor[] kv) {
        int batch = x.dim(0), length = x.dim(1), group = heads / kvHeads;
        Tensor[] qkv = projection.project(x);
        Tensor q = qkv[0].permute(0, 2, 1, 3), k = qkv[1].permute(0, 2, 1, 3), v = qkv[2].permute(0, 2, 1, 3);
        if (rope != null) {
            q = rope.apply(q, cos, sin);
            k = rope.apply(k, cos, sin);
        }
        if (queryScale != 1.0) q = q.mul(queryScale);
        if (pastK != null) {
            k = Tensor.concat(List.of(pastK, k), 2);
            v = Tensor.concat(List.of(pastV, v), 2);
        }
        kv[0] = k;
        kv[1] = v;
        int keys = k.dim(2);
        // Query head j reads key/value head j / group: folding each group's queries into one matrix needs no copies of k, v.
        Tensor scores = q.reshape(batch, kvHeads, group * length, headDim).matmul(k.transpose(-1, -2))
                .reshape(batch, heads, length, keys).add(bias);
        Tensor context = scores.softmax(-1).reshape(batch, kvHeads, group * length, keys).matmul(v)
                .reshape(batch, heads, length, headDim).permute(0, 2, 1, 3).reshape(batch, length, heads * headDim);
        return out.apply(context);
    }
}
