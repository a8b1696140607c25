package reveal.model.arch;

import reveal.engine.Tensor;

/**
 * Sees, and may replace, the FFN activations of every layer during a forward pass. Whatever it returns flows on
 * through the rest of the network, so a returned tensor that is part of the graph keeps gradients flowing.
 */
@FunctionalInterface
public interface FfnHook {
    FfnHook NONE = (layer, point, value, span) -> value;

    /**
     * @param value {@code [B, T, I]} activations at {@code point} of {@code layer} for the tokens of {@code span}
     * @return the activations to use instead (same shape), or {@code value} itself
     */
    Tensor apply(int layer, FfnPoint point, Tensor value, Span span);

    /**
     * Where the tokens of one forward call sit in their sequences.
     *
     * @param start    absolute position of the first token of the call (the cached length before it)
     * @param length   number of tokens per row in the call
     * @param lastReal per row, the absolute position of its last real (attention-mask 1) token so far
     */
    record Span(int start, int length, int[] lastReal) {
    }
}
