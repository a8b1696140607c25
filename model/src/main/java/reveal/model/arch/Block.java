package reveal.model.arch;

import reveal.engine.Tensor;

/**
 * One decoder layer. Its output is {@code finish(ffnBase + ffn(ffnIn))}; the residual form decides what ffnBase,
 * ffnIn and finish are, so the FFN can be hooked, and recomputed alone, in the same way for every architecture.
 */
record Block(int index, Norm attentionNorm, Norm ffnNorm, Attention attention, Ffn ffn, Residual residual) {

    enum Residual {
        /** Pre-LN: h = x + attn(n1 x); out = h + ffn(n2 h) (GPT-2, OPT pre-LN, BLOOM, Llama, NeoX sequential). */
        SEQUENTIAL,
        /** BLOOM with apply_residual_connection_post_layernorm: the residuals are the normed streams. */
        SEQUENTIAL_FROM_NORMED,
        /** GPT-NeoX use_parallel_residual: out = x + attn(n1 x) + ffn(n2 x). */
        PARALLEL,
        /** Post-LN (OPT do_layer_norm_before = false): h = n1(x + attn x); out = n2(h + ffn h). */
        POST_NORM
    }

    /** The stream the FFN output is added to, and the FFN input. */
    record Mid(Tensor ffnBase, Tensor ffnIn) {
    }

    /** The attention half of the layer; see {@link Attention#forward} for the arguments. */
    Mid attend(Tensor x, Tensor cos, Tensor sin, Tensor bias, Tensor pastK, Tensor pastV, Tensor[] kv) {
        switch (residual) {
            case SEQUENTIAL: {
                Tensor h = x.add(attention.forward(attentionNorm.apply(x), cos, sin, bias, pastK, pastV, kv));
                return new Mid(h, ffnNorm.apply(h));
            }
            case SEQUENTIAL_FROM_NORMED: {
                Tensor normed = attentionNorm.apply(x);
                Tensor h = ffnNorm.apply(normed.add(attention.forward(normed, cos, sin, bias, pastK, pastV, kv)));
                return new Mid(h, h);
            }
            case PARALLEL: {
                Tensor a = attention.forward(attentionNorm.apply(x), cos, sin, bias, pastK, pastV, kv);
                return new Mid(x.add(a), ffnNorm.apply(x));
            }
            case POST_NORM: {
                Tensor h = attentionNorm.apply(x.add(attention.forward(x, cos, sin, bias, pastK, pastV, kv)));
                return new Mid(h, h);
            }
            default:
                throw new AssertionError(residual);
        }
    }

    /** The layer output from ffnBase + ffn output. */
    Tensor finish(Tensor sum) {
        return residual == Residual.POST_NORM ? ffnNorm.apply(sum) : sum;
    }
}
