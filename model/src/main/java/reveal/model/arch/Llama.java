package reveal.model.arch;

import java.util.ArrayList;
import java.util.List;
import reveal.engine.Tensor;
import reveal.model.io.ModelConfig;

/**
 * Llama (and Mistral): {@code model.} names, RMSNorm, separate q/k/v with grouped key/value heads (query head j
 * reads kv head j / (heads/kvHeads)), RoPE over the whole head with base rope_theta, SwiGLU
 * {@code down(silu(gate x) * up x)}, final norm, lm_head unless tied; Mistral's sliding window masks far keys.
 */
final class Llama extends Architecture {
    private static final String P = "model.";

    @Override
    DecoderModel.Parts build(ModelConfig c, Weights w) {
        int h = c.hiddenSize(), heads = c.numHeads(), kv = c.numKvHeads(), hd = c.headDim(), inner = c.intermediateSize();
        double eps = c.normEps();
        boolean bias = c.attentionBias(), mlpBias = c.mlpBias();
        Activation act = Activation.byName(c.activation());
        Positions.Rope rope = new Positions.Rope(hd, c.ropeTheta());
        Tensor tokens = w.take(P + "embed_tokens.weight", c.vocabSize(), h);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = P + "layers." + i + ".";
            Norm ln1 = w.rmsNorm(p + "input_layernorm", h, eps);
            Attention attention = new Attention(Attention.separate(w.linear(p + "self_attn.q_proj", h, heads * hd, bias),
                    w.linear(p + "self_attn.k_proj", h, kv * hd, bias), w.linear(p + "self_attn.v_proj", h, kv * hd, bias), heads, kv, hd),
                    w.linear(p + "self_attn.o_proj", heads * hd, h, bias), heads, kv, hd, 1 / Math.sqrt(hd), rope);
            Norm ln2 = w.rmsNorm(p + "post_attention_layernorm", h, eps);
            Linear gate = w.linear(p + "mlp.gate_proj", h, inner, mlpBias);
            Ffn ffn = new Ffn(w.linear(p + "mlp.up_proj", h, inner, mlpBias), gate, w.linear(p + "mlp.down_proj", inner, h, mlpBias), act);
            blocks.add(new Block(i, ln1, ln2, attention, ffn, Block.Residual.SEQUENTIAL));
        }
        Norm norm = w.rmsNorm(P + "norm", h, eps);
        return new DecoderModel.Parts(new Embeddings(tokens, null, null, null, 0), Positions.Ids.ARANGE, rope, null,
                blocks, norm, null, head(c, w, tokens, "lm_head.weight", h));
    }
}
