package reveal.model.arch;

import java.util.List;
import reveal.engine.Backend;
import reveal.engine.Tensor;

/** Position ids, rotary embeddings, ALiBi slopes and the attention mask: everything that depends on where tokens sit. */
final class Positions {
    private Positions() {
    }

    /** How learned position embeddings and RoPE number the tokens. */
    enum Ids {
        /** 0, 1, 2, ... regardless of padding (GPT-2, GPT-NeoX, Llama forward()). */
        ARANGE,
        /** cumsum(mask) * mask - 1: real tokens count from 0, padding gets -1 (OPT). */
        FROM_MASK
    }

    /** Position ids {@code [B][length]} of the tokens at {@code start .. start+length-1} of each row of {@code mask}. */
    static int[][] ids(Ids scheme, int[][] mask, int start, int length) {
        int[][] out = new int[mask.length][length];
        for (int b = 0; b < mask.length; b++) {
            int count = 0;
            for (int j = 0; j < start + length; j++) {
                count += mask[b][j];
                if (j >= start) out[b][j - start] = scheme == Ids.ARANGE ? j : count * mask[b][j] - 1;
            }
        }
        return out;
    }

    /**
     * Additive attention bias {@code [B, heads or 1, length, start+length]} for the queries at {@code start ..}: key j
     * is visible to the query at absolute position t iff j <= t, mask[j] = 1 and (with a window) t - j < window.
     * Hidden keys get the most negative finite value, so their softmax weight is exactly 0; visible keys get 0, or
     * with ALiBi {@code slope[h] * ((cumsum(mask) - 1) * mask)[j]}.
     */
    static Tensor attentionBias(Backend backend, int[][] mask, int start, int length, double[] alibiSlopes, int window) {
        int batch = mask.length, keys = start + length, heads = alibiSlopes == null ? 1 : alibiSlopes.length;
        double hidden = backend.isDouble() ? -Double.MAX_VALUE : -Float.MAX_VALUE;
        double[] bias = new double[batch * heads * length * keys];
        for (int b = 0; b < batch; b++) {
            int[] keyPos = new int[keys];
            for (int j = 0, count = 0; j < keys; j++) {
                count += mask[b][j];
                keyPos[j] = (count - 1) * mask[b][j];
            }
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < length; t++) {
                    int query = start + t, row = ((b * heads + h) * length + t) * keys;
                    for (int j = 0; j < keys; j++) {
                        boolean visible = j <= query && mask[b][j] == 1 && (window <= 0 || query - j < window);
                        bias[row + j] = !visible ? hidden : alibiSlopes == null ? 0.0 : alibiSlopes[h] * keyPos[j];
                    }
                }
            }
        }
        return Tensor.of(backend, bias, batch, heads, length, keys);
    }

    /**
     * BLOOM's ALiBi slopes: for the largest power of two c <= heads, base^1..base^c with base = 2^(-2^-(log2 c - 3));
     * the remaining heads take odd powers 1, 3, ... of the slope base of 2c.
     */
    static double[] alibiSlopes(int heads) {
        int c = Integer.highestOneBit(heads);
        double base = Math.pow(2, -Math.pow(2, -(log2(c) - 3)));
        double[] slopes = new double[heads];
        for (int i = 0; i < c; i++) slopes[i] = Math.pow(base, i + 1);
        double extraBase = Math.pow(2, -Math.pow(2, -(log2(2 * c) - 3)));
        for (int i = 0; i < Math.min(c, heads - c); i++) slopes[c + i] = Math.pow(extraBase, 2 * i + 1);
        return slopes;
    }

    private static int log2(int powerOfTwo) {
        return Integer.numberOfTrailingZeros(powerOfTwo);
    }

    /**
     * Rotary embeddings in the GPT-NeoX / HF Llama form: the first {@code rotaryDim} dimensions of each head are
     * rotated as {@code x cos + rotate_half(x) sin}, rotate_half(x) = cat(-x[r/2:], x[:r/2]), with angles
     * {@code position * theta^(-2i/r)} for i < r/2 repeated over both halves; the other dimensions pass through.
     */
    record Rope(int rotaryDim, double theta) {

        Rope {
            if (rotaryDim <= 0 || rotaryDim % 2 != 0) throw new IllegalArgumentException("rotary dimension must be positive and even, got " + rotaryDim);
        }

        /** cos and sin tables {@code [B, 1, T, rotaryDim]} for position ids {@code [B][T]}. */
        Tensor[] tables(Backend backend, int[][] positions) {
            int batch = positions.length, length = positions[0].length, half = rotaryDim / 2;
            double[] inverse = new double[half];
            for (int i = 0; i < half; i++) inverse[i] = Math.pow(theta, -2.0 * i / rotaryDim);
            double[] cos = new double[batch * length * rotaryDim], sin = new double[cos.length];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < length; t++) {
                    for (int j = 0; j < rotaryDim; j++) {
                        double angle = positions[b][t] * inverse[j % half];
                        int at = (b * length + t) * rotaryDim + j;
                        cos[at] = Math.cos(angle);
                        sin[at] = Math.sin(angle);
                    }
                }
            }
            return new Tensor[] {Tensor.of(backend, cos, batch, 1, length, rotaryDim), Tensor.of(backend, sin, batch, 1, length, rotaryDim)};
        }

        /** Rotates {@code x [B, heads, T, headDim]}. */
        Tensor apply(Tensor x, Tensor cos, Tensor sin) {
            int headDim = x.dim(-1), half = rotaryDim / 2;
            if (rotaryDim > headDim) throw new IllegalArgumentException("rotary dimension " + rotaryDim + " exceeds head size " + headDim);
            Tensor rot = rotaryDim == headDim ? x : x.slice(-1, 0, rotaryDim);
            Tensor rotatedHalf = Tensor.concat(List.of(rot.slice(-1, half, rotaryDim).neg(), rot.slice(-1, 0, half)), -1);
            Tensor y = rot.mul(cos).add(rotatedHalf.mul(sin));
            return rotaryDim == headDim ? y : Tensor.concat(List.of(y, x.slice(-1, rotaryDim, headDim)), -1);
        }
    }
}
