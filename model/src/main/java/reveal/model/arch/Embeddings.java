package reveal.model.arch;

import java.util.Arrays;
import reveal.engine.Tensor;

/**
 * Token lookup, then (BLOOM) an embedding LayerNorm, (OPT) {@code project_in}, and learned positions
 * {@code positions[id + positionOffset]} (GPT-2 offset 0, OPT offset 2); absent parts are null.
 */
record Embeddings(Tensor tokens, Norm norm, Linear projectIn, Tensor positions, int positionOffset) {

    /** {@code [B, T, H]} for token ids {@code flatIds} (row-major {@code [B][T]}) at position ids {@code [B][T]}. */
    Tensor apply(int[] flatIds, int[][] positionIds) {
        int batch = positionIds.length, length = positionIds[0].length;
        Tensor x = tokens.gatherRows(flatIds);
        if (norm != null) x = norm.apply(x);
        if (projectIn != null) x = projectIn.apply(x);
        if (positions != null) {
            int[] rows = new int[flatIds.length];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < length; t++) {
                    int row = positionIds[b][t] + positionOffset;
                    if (row < 0 || row >= positions.dim(0)) {
                        throw new IllegalArgumentException("position " + positionIds[b][t] + " (row " + b + ") is outside the learned position table of "
                                + (positions.dim(0) - positionOffset) + " positions; shape " + Arrays.toString(positions.shape()));
                    }
                    rows[b * length + t] = row;
                }
            }
            x = x.add(positions.gatherRows(rows));
        }
        return x.reshape(batch, length, x.dim(-1));
    }
}
