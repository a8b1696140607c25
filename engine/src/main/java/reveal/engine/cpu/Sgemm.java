package reveal.engine.cpu;

/**
 * Single-precision general matrix multiply on row-major arrays, BLAS semantics.
 *
 * <p>Large products run the packed, register-blocked path of {@link SgemmBlocked} split over a fixed thread
 * pool; small, single-row and single-column products run {@link SgemmDirect}, which skips packing. Every element
 * of C is summed over k in the same order whatever the thread count, so results are bit-identical for any
 * {@code threads}.
 */
public final class Sgemm {
  /** Below this many multiply-adds packing costs more than it saves. */
  static final long DIRECT_MAX_WORK = 32L * 32 * 32;
  /** Each extra thread must get at least this many multiply-adds to pay for the hand-off. */
  static final long WORK_PER_THREAD = 1L << 18;

  private Sgemm() {}

  /**
   * C[m x n] = alpha * op(A) * op(B) + beta * C, row-major. op(A) is m x k: A is m x k (lda >= k) or, when
   * transA, A is k x m (lda >= m). op(B) is k x n: B is k x n (ldb >= n) or, when transB, n x k (ldb >= k).
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc, int threads) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("sgemm: threads=" + threads + " must be >= 1");
    }
    if (m == 0 || n == 0) {
      return;
    }
    checkMatrix("C", c, cOff, ldc, m, n);
    if (k == 0 || alpha == 0f) {
      scale(c, cOff, ldc, m, n, beta);
      return;
    }
    checkMatrix(transA ? "A (transposed, k x m)" : "A (m x k)", a, aOff, lda, transA ? k : m, transA ? m : k);
    checkMatrix(transB ? "B (transposed, n x k)" : "B (k x n)", b, bOff, ldb, transB ? n : k, transB ? k : n);
    Problem p = new Problem(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    long work = (long) m * n * k;
    int usable = (int) Math.max(1, Math.min(threads, work / WORK_PER_THREAD));
    if (work < DIRECT_MAX_WORK || m == 1 || n == 1) {
      SgemmDirect.multiply(p, usable);
    } else {
      SgemmBlocked.multiply(p, usable);
    }
  }

  /** The operands of one call; op(A)(i, p) and op(B)(p, j) hide the transposition from the kernels. */
  record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float beta, float[] c, int cOff, int ldc) {
    /** Index of op(A)(i, p) in {@code a}. */
    int aIndex(int i, int p) {
      return aOff + (transA ? p * lda + i : i * lda + p);
    }

    /** Index of op(B)(p, j) in {@code b}. */
    int bIndex(int p, int j) {
      return bOff + (transB ? j * ldb + p : p * ldb + j);
    }
  }

  /** C = beta * C over an m x n block; beta == 0 overwrites, so NaN or Inf already in C never survives. */
  static void scale(float[] c, int cOff, int ldc, int m, int n, float beta) {
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, row, row + n, 0f);
      } else if (beta != 1f) {
        for (int j = row; j < row + n; j++) {
          c[j] *= beta;
        }
      }
    }
  }

  private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
    if (x == null) {
      throw new IllegalArgumentException("sgemm: matrix " + name + " is null");
    }
    if (ld < cols) {
      throw new IllegalArgumentException(
          "sgemm: matrix " + name + " leading dimension " + ld + " < its row length " + cols);
    }
    long last = off + (long) (rows - 1) * ld + cols - 1;
    if (off < 0 || last >= x.length) {
      throw new IllegalArgumentException("sgemm: matrix " + name + " " + rows + " x " + cols + " at offset " + off
          + " with leading dimension " + ld + " needs index " + last + " but the array has length " + x.length);
    }
  }
}
