package reveal.model.arch;

import java.util.ArrayList;
import java.util.List;
import reveal.engine.Tensor;
import reveal.model.io.ModelConfig;

/**
 * GPT-NeoX (Pythia): {@code gpt_neox.} names, fused query_key_value laid out per head {@code [heads, 3, hd]}, RoPE on
 * the first int(hd * rotary_pct) dimensions of each head, parallel (or sequential) residual, exact GELU, final
 * LayerNorm, untied {@code embed_out} (no prefix).
 */
final class GptNeoX extends Architecture {
    private static final String P = "gpt_neox.";

    @Override
    DecoderModel.Parts build(ModelConfig c, Weights w) {
        int h = c.hiddenSize(), heads = c.numHeads(), hd = c.headDim(), inner = c.intermediateSize();
        double eps = c.normEps();
        Activation act = Activation.byName(c.activation());
        Positions.Rope rope = c.rotaryDim() > 0 ? new Positions.Rope(c.rotaryDim(), c.ropeTheta()) : null;
        Tensor tokens = w.take(P + "embed_in.weight", c.vocabSize(), h);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "layers." + i + ".";
            Norm ln1 = w.layerNorm(p + "input_layernorm", h, eps, true);
            Norm ln2 = w.layerNorm(p + "post_attention_layernorm", h, eps, true);
            Attention attention = new Attention(Attention.fusedPerHead(w.linear(p + "attention.query_key_value", h, 3 * h, c.attentionBias()), heads, hd),
                    w.linear(p + "attention.dense", h, h, c.attentionBias()), heads, heads, hd, 1 / Math.sqrt(hd), rope);
            Ffn ffn = new Ffn(w.linear(p + "mlp.dense_h_to_4h", h, inner, true), null, w.linear(p + "mlp.dense_4h_to_h", inner, h, true), act);
            blocks.add(new Block(i, ln1, ln2, attention, ffn, c.parallelResidual() ? Block.Residual.PARALLEL : Block.Residual.SEQUENTIAL));
        }
        Norm finalNorm = w.layerNorm(P + "final_layer_norm", h, eps, true);
        return new DecoderModel.Parts(new Embeddings(tokens, null, null, null, 0), Positions.Ids.ARANGE, rope, null,
                blocks, finalNorm, null, head(c, w, tokens, "embed_out.weight", h));
    }
}
