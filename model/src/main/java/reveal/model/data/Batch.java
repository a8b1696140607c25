package reveal.model.data;

/**
 * Right-padded token ids, the attention mask (1 = real token, 0 = pad) and, per row, the index of the last real
 * token, where the classification head pools.
 */
public record Batch(int[][] ids, int[][] attentionMask, int[] lastTokenIndex) {
}
