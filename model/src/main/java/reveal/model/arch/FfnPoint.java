package reveal.model.arch;

/**
 * The two hook points of every FFN layer. {@link #PRE}: the output of the first projection, before the activation
 * (for gated FFNs such as Llama's: the {@code gate_proj} output). {@link #POST}: the activation output that feeds
 * the second projection, i.e. the FFN "neurons" (Llama: {@code silu(gate) * up}, the {@code down_proj} input).
 */
public enum FfnPoint {
    PRE,
    POST
}
