package reveal.model.arch;

import reveal.engine.Tensor;

/**
 * A feed-forward layer split at its two hook points: {@code pre = first(x)}, {@code post = act(pre)} (times
 * {@code up(x)} when gated, Llama's SwiGLU), {@code out = down(post)}.
 *
 * @param in   the first projection (GPT-2 c_fc, OPT fc1, NeoX/BLOOM dense_h_to_4h), or Llama's up_proj when gated
 * @param gate Llama's gate_proj, or null for an ungated FFN
 */
record Ffn(Linear in, Linear gate, Linear down, Activation activation) {

    int width() {
        return in.out();
    }

    Tensor pre(Tensor x) {
        return (gate != null ? gate : in).apply(x);
    }

    /** The neurons from the pre-activation; {@code x} (the FFN input) only matters for a gated FFN. */
    Tensor post(Tensor pre, Tensor x) {
        Tensor a = activation.apply(pre);
        return gate != null ? a.mul(in.apply(x)) : a;
    }

    Tensor out(Tensor post) {
        return down.apply(post);
    }
}
