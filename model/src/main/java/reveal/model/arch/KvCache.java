package reveal.model.arch;

import java.util.Arrays;
import reveal.engine.Tensor;

/**
 * What a {@link DecoderModel} remembers of the tokens it has seen, so later calls process only new tokens: per
 * layer the keys and values of all positions ({@code [B, kvHeads, length, hd]}, after RoPE), the attention mask so
 * far, and, of the most recent call, each layer's input (the residual stream) and the two FFN-side streams that
 * {@link DecoderModel#resume} needs to recompute the last position from one layer on. Filled by
 * {@link DecoderModel#forward} with a cache argument; a cache belongs to one model and one batch.
 */
public final class KvCache {
    final DecoderModel owner;
    final Tensor[] keys, values, layerInputs, ffnBases, ffnInputs;
    int[][] mask;

    KvCache(DecoderModel owner, int layers) {
        this.owner = owner;
        keys = new Tensor[layers];
        values = new Tensor[layers];
        layerInputs = new Tensor[layers];
        ffnBases = new Tensor[layers];
        ffnInputs = new Tensor[layers];
    }

    /** Number of positions cached per row (0 when empty). */
    public int length() {
        return mask == null ? 0 : mask[0].length;
    }

    /** Rows of the cached batch, or 0 when empty. */
    public int batchSize() {
        return mask == null ? 0 : mask.length;
    }

    /** The attention mask of every cached position, {@code [B][length]}. */
    public int[][] mask() {
        int[][] copy = new int[mask.length][];
        for (int b = 0; b < mask.length; b++) copy[b] = mask[b].clone();
        return copy;
    }

    /** Keys of {@code layer} for all cached positions, {@code [B, kvHeads, length, hd]}. */
    public Tensor keys(int layer) {
        return keys[layer];
    }

    public Tensor values(int layer) {
        return values[layer];
    }

    /** The residual stream entering {@code layer} for the tokens of the most recent call, {@code [B, T, H]}. */
    public Tensor layerInput(int layer) {
        return layerInputs[layer];
    }

    @Override
    public String toString() {
        return "KvCache(" + keys.length + " layers, batch " + batchSize() + ", length " + length() + ")";
    }

    /** The mask after appending {@code chunk} to what is cached. */
    int[][] extendedMask(int[][] chunk) {
        if (mask == null) return chunk;
        if (chunk.length != mask.length) {
            throw new IllegalArgumentException("cache holds a batch of " + mask.length + " rows, the call has " + chunk.length);
        }
        int[][] out = new int[chunk.length][];
        for (int b = 0; b < chunk.length; b++) {
            out[b] = Arrays.copyOf(mask[b], mask[b].length + chunk[b].length);
            System.arraycopy(chunk[b], 0, out[b], mask[b].length, chunk[b].length);
        }
        return out;
    }
}
