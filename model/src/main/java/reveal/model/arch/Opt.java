package reveal.model.arch;

import java.util.ArrayList;
import java.util.List;
import reveal.engine.Tensor;
import reveal.model.io.ModelConfig;

/**
 * OPT: {@code model.decoder.} names (real facebook/opt checkpoints store {@code decoder.}), separate q/k/v with
 * q scaled by hd^-0.5, learned positions at cumsum(mask)*mask - 1 + 2, {@code project_in}/{@code project_out}
 * when word_embed_proj_dim != hidden, pre-LN or post-LN blocks (do_layer_norm_before), ReLU, LayerNorm eps 1e-5,
 * head tied to embed_tokens acting on the projected width.
 */
final class Opt extends Architecture {
    private static final String P = "model.decoder.";

    @Override
    List<String> spellings(String name) {
        return withPrefixAlternative(name, P, "decoder.");
    }

    @Override
    DecoderModel.Parts build(ModelConfig c, Weights w) {
        int h = c.hiddenSize(), e = c.wordEmbedProjDim(), heads = c.numHeads(), hd = c.headDim(), inner = c.intermediateSize();
        double eps = c.normEps();
        boolean affine = c.normAffine(), bias = c.attentionBias();
        Activation act = Activation.byName(c.activation());
        Tensor tokens = w.take(P + "embed_tokens.weight", c.vocabSize(), e);
        Tensor positions = w.take(P + "embed_positions.weight", c.maxPositions() + 2, h);
        Linear projectIn = e != h ? w.linear(P + "project_in", e, h, false) : null;
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "layers." + i + ".";
            Attention attention = new Attention(Attention.separate(w.linear(p + "self_attn.q_proj", h, h, bias),
                    w.linear(p + "self_attn.k_proj", h, h, bias), w.linear(p + "self_attn.v_proj", h, h, bias), heads, heads, hd),
                    w.linear(p + "self_attn.out_proj", h, h, bias), heads, heads, hd, 1 / Math.sqrt(hd), null);
            Norm attnNorm = w.layerNorm(p + "self_attn_layer_norm", h, eps, affine);
            Ffn ffn = new Ffn(w.linear(p + "fc1", h, inner, c.mlpBias()), null, w.linear(p + "fc2", inner, h, c.mlpBias()), act);
            Norm ffnNorm = w.layerNorm(p + "final_layer_norm", h, eps, affine);
            blocks.add(new Block(i, attnNorm, ffnNorm, attention, ffn, c.preNorm() ? Block.Residual.SEQUENTIAL : Block.Residual.POST_NORM));
        }
        Norm finalNorm = c.finalNorm() ? w.layerNorm(P + "final_layer_norm", h, eps, affine) : null;
        Linear projectOut = e != h ? w.linear(P + "project_out", h, e, false) : null;
        return new DecoderModel.Parts(new Embeddings(tokens, null, projectIn, positions, 2), Positions.Ids.FROM_MASK, null, null,
                blocks, finalNorm, projectOut, head(c, w, tokens, "lm_head.weight", e));
    }
}
