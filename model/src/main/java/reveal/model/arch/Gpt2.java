package reveal.model.arch;

import java.util.ArrayList;
import java.util.List;
import reveal.engine.Tensor;
import reveal.model.io.ModelConfig;

/**
 * GPT-2: {@code transformer.} names (original checkpoints omit the prefix; the causal-mask buffers attn.bias and
 * attn.masked_bias are not parameters and are ignored), Conv1D weights stored {@code [in, out]}, fused c_attn with
 * q | k | v column blocks, learned positions 0..T-1, pre-LN LayerNorm blocks, gelu_new, final ln_f, tied head.
 * Scores are scaled by 1/sqrt(hd) (scale_attn_weights) and further by 1/(layer+1) (scale_attn_by_inverse_layer_idx).
 */
final class Gpt2 extends Architecture {
    private static final String P = "transformer.";

    @Override
    List<String> spellings(String name) {
        return withPrefixAlternative(name, P, "");
    }

    @Override
    DecoderModel.Parts build(ModelConfig c, Weights w) {
        int h = c.hiddenSize(), heads = c.numHeads(), hd = c.headDim(), inner = c.intermediateSize();
        double eps = c.normEps();
        Activation act = Activation.byName(c.activation());
        Tensor wte = w.take(P + "wte.weight", c.vocabSize(), h);
        Tensor wpe = w.take(P + "wpe.weight", c.maxPositions(), h);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "h." + i + ".";
            double scale = (c.scaleAttnWeights() ? 1 / Math.sqrt(hd) : 1.0) / (c.scaleAttnByInverseLayerIdx() ? i + 1 : 1);
            Attention attention = new Attention(Attention.fusedBlocks(w.conv1d(p + "attn.c_attn", h, 3 * h), heads, hd),
                    w.conv1d(p + "attn.c_proj", h, h), heads, heads, hd, scale, null);
            Norm ln1 = w.layerNorm(p + "ln_1", h, eps, true);
            Norm ln2 = w.layerNorm(p + "ln_2", h, eps, true);
            Ffn ffn = new Ffn(w.conv1d(p + "mlp.c_fc", h, inner), null, w.conv1d(p + "mlp.c_proj", inner, h), act);
            blocks.add(new Block(i, ln1, ln2, attention, ffn, Block.Residual.SEQUENTIAL));
        }
        Norm lnf = w.layerNorm(P + "ln_f", h, eps, true);
        return new DecoderModel.Parts(new Embeddings(wte, null, null, wpe, 0), Positions.Ids.ARANGE, null, null,
                blocks, lnf, null, head(c, w, wte, "lm_head.weight", h));
    }
}
