package reveal.model.arch;

import java.util.ArrayList;
import java.util.List;
import reveal.engine.Tensor;
import reveal.model.io.ModelConfig;

/**
 * BLOOM: {@code transformer.} names, word_embeddings_layernorm, fused query_key_value per head {@code [heads, 3, hd]},
 * ALiBi instead of positions, bloom_gelu FFN of width 4H, residuals from the un-normalised stream (or, with
 * apply_residual_connection_post_layernorm, from the normed one), final ln_f, head tied to word_embeddings.
 */
final class Bloom extends Architecture {
    private static final String P = "transformer.";

    @Override
    DecoderModel.Parts build(ModelConfig c, Weights w) {
        int h = c.hiddenSize(), heads = c.numHeads(), hd = c.headDim(), inner = c.intermediateSize();
        double eps = c.normEps();
        Activation act = Activation.byName(c.activation());
        Tensor tokens = w.take(P + "word_embeddings.weight", c.vocabSize(), h);
        Norm embeddingNorm = w.layerNorm(P + "word_embeddings_layernorm", h, eps, true);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "h." + i + ".";
            Norm ln1 = w.layerNorm(p + "input_layernorm", h, eps, true);
            Attention attention = new Attention(Attention.fusedPerHead(w.linear(p + "self_attention.query_key_value", h, 3 * h, true), heads, hd),
                    w.linear(p + "self_attention.dense", h, h, true), heads, heads, hd, 1 / Math.sqrt(hd), null);
            Norm ln2 = w.layerNorm(p + "post_attention_layernorm", h, eps, true);
            Ffn ffn = new Ffn(w.linear(p + "mlp.dense_h_to_4h", h, inner, true), null, w.linear(p + "mlp.dense_4h_to_h", inner, h, true), act);
            blocks.add(new Block(i, ln1, ln2, attention, ffn,
                    c.residualFromNormed() ? Block.Residual.SEQUENTIAL_FROM_NORMED : Block.Residual.SEQUENTIAL));
        }
        Norm lnf = w.layerNorm(P + "ln_f", h, eps, true);
        return new DecoderModel.Parts(new Embeddings(tokens, embeddingNorm, null, null, 0), Positions.Ids.ARANGE, null,
                Positions.alibiSlopes(heads), blocks, lnf, null, head(c, w, tokens, "lm_head.weight", h));
    }
}
