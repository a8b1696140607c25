package reveal.engine;

/**
 * The few primitive kernels every op is built from. A backend owns its storages; {@link Tensor} handles shapes,
 * broadcasting, views and autograd, so a new backend implements only these. All outputs are fresh, dense,
 * row-major storages unless a method says otherwise.
 */
public interface Backend {

    String name();

    /** True when storages hold float64 (the reference backend), false for float32. */
    boolean isDouble();

    /** A storage of n zeros. */
    Storage zeros(int n);

    Storage upload(double[] data);

    Storage upload(float[] data);

    /** Reads the elements of {@code layout} in row-major order. */
    float[] downloadFloats(Storage s, Layout layout);

    /** {@link #downloadFloats} widened; a backend that stores doubles overrides it to lose nothing. */
    default double[] download(Storage s, Layout layout) {
        float[] f = downloadFloats(s, layout);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Copies the elements of {@code src} into the (possibly strided) view {@code dst} of {@code dstStorage}; shapes are equal. */
    void copyInto(Storage dstStorage, Layout dst, Storage src, Layout srcLayout);

    /** {@code out[i] = op(x[i], c)} over the elements of layout {@code x}. */
    Storage unary(UnaryOp op, Storage x, Layout xl, double c);

    /** {@code out[i] = op(a[i], b[i])}; both layouts have the output's shape (broadcast dims have stride 0). */
    Storage binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl);

    /** Reduces a dense {@code [outer, n, inner]} array along the middle axis to {@code [outer, inner]}. */
    Storage reduce(ReduceOp op, Storage x, int outer, int n, int inner);

    /**
     * Batched matrix product, out {@code [batch, m, n]} dense. Operand {@code a} of batch b starts at
     * {@code aOff + b*aBatchStride}; it is m x k row-major with leading dimension lda, or when transA the k x m
     * matrix to be transposed. Same for b (k x n, or n x k when transB).
     */
    Storage matmul(Storage a, int aOff, int aBatchStride, boolean transA, int lda,
                   Storage b, int bOff, int bBatchStride, boolean transB, int ldb,
                   int batch, int m, int n, int k);

    /** Rows {@code ids[i]} of a dense {@code [rows, width]} table: out {@code [ids.length, width]}. */
    Storage gatherRows(Storage table, int rows, int width, int[] ids);

    /** out {@code [rows, width]} = zeros, then {@code out[ids[i]] += src[i]} for a dense {@code [ids.length, width]} src. */
    Storage scatterAddRows(Storage src, int width, int[] ids, int rows);
}
