package reveal.opencl;

import java.util.Arrays;

/**
 * A shape and the strides of each operand over it, simplified for the kernels: extent-1 axes dropped, and
 * neighbouring axes merged where every operand walks them as one. Row-major order is unchanged, so a dense output
 * keeps its linear index. Dense views become rank 1; a broadcast bias becomes rank 2.
 */
final class Strided {
    /** Axes a kernel takes at once (int8 arguments). */
    static final int KERNEL_RANK = 8;

    final int[] shape;
    final int[][] strides;

    private Strided(int[] shape, int[][] strides) {
        this.shape = shape;
        this.strides = strides;
    }

    static Strided of(int[] shape, int[]... strides) {
        int r = shape.length, ops = strides.length;
        int[] sh = new int[Math.max(1, r)];
        int[][] st = new int[ops][Math.max(1, r)];
        int kept = 0; // axes collected so far, innermost first
        for (int d = r - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (kept > 0 && mergeable(strides, d, st, sh[kept - 1], kept - 1)) {
                sh[kept - 1] *= shape[d];
                continue;
            }
            sh[kept] = shape[d];
            for (int o = 0; o < ops; o++) st[o][kept] = strides[o][d];
            kept++;
        }
        if (kept == 0) { // every axis has extent 1: a single element
            sh[0] = 1;
            kept = 1;
        }
        int[] outShape = new int[kept];
        int[][] outStrides = new int[ops][kept];
        for (int i = 0; i < kept; i++) {
            outShape[kept - 1 - i] = sh[i];
            for (int o = 0; o < ops; o++) outStrides[o][kept - 1 - i] = st[o][i];
        }
        return new Strided(outShape, outStrides);
    }

    /** Axis d sits just outside collected axis k (extent n) in every operand's memory. */
    private static boolean mergeable(int[][] strides, int d, int[][] st, int n, int k) {
        for (int o = 0; o < strides.length; o++) if (strides[o][d] != st[o][k] * n) return false;
        return true;
    }

    int rank() {
        return shape.length;
    }

    int size() {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** One kernel launch's share: the innermost (at most 8) axes, right-aligned, and where it starts. */
    record Block(int rank, int[] shape8, int[][] strides8, int[] offsets, int outOffset, int size) {
    }

    interface BlockBody {
        void run(Block b);
    }

    /**
     * Runs body over blocks covering all elements: one block when rank <= 8, else one per index of the outer axes
     * (they are walked here, on the host). {@code offsets} are the operands' starting offsets.
     */
    void forEachBlock(int[] offsets, BlockBody body) {
        int r = rank(), ops = strides.length;
        int inner = Math.min(r, KERNEL_RANK), outer = r - inner;
        int[] shape8 = new int[KERNEL_RANK];
        int[][] strides8 = new int[ops][KERNEL_RANK];
        Arrays.fill(shape8, 1);
        int blockSize = 1;
        for (int i = 0; i < inner; i++) {
            int d = outer + i, slot = KERNEL_RANK - inner + i;
            shape8[slot] = shape[d];
            blockSize *= shape[d];
            for (int o = 0; o < ops; o++) strides8[o][slot] = strides[o][d];
        }
        int blocks = 1;
        for (int d = 0; d < outer; d++) blocks *= shape[d];
        for (int b = 0; b < blocks; b++) {
            int[] off = offsets.clone();
            for (int d = outer - 1, rest = b; d >= 0; d--) {
                int idx = rest % shape[d];
                rest /= shape[d];
                for (int o = 0; o < ops; o++) off[o] += idx * strides[o][d];
            }
            body.run(new Block(inner, shape8, strides8, off, b * blockSize, blockSize));
        }
    }

    @Override
    public String toString() {
        return Arrays.toString(shape) + " strides " + Arrays.deepToString(strides);
    }
}
