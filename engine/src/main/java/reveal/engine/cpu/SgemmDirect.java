package reveal.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM straight from the caller's arrays, for products too small or too thin (m == 1 or n == 1) to repay
 * packing. When op(B)'s rows are contiguous and the block is at least a vector wide, each C row gets one axpy
 * per p; otherwise each C element is a dot product, vectorised when op(A)'s row and op(B)'s column are
 * contiguous.
 */
final class SgemmDirect {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int VL = SPECIES.length();

  private SgemmDirect() {}

  /**
   * Splits C along its longer side into chunks that the threads take on demand; as every element is computed
   * the same way whichever chunk holds it, the result does not depend on the thread count.
   */
  static void multiply(Sgemm.Problem g, int threads) {
    boolean byRows = g.m() >= g.n();
    // Column chunks are whole 64-byte lines of C, so that threads never write the same cache line.
    int unit = byRows ? 1 : 16;
    int units = ceilDiv(byRows ? g.m() : g.n(), unit);
    int parts = Math.min(units, threads == 1 ? 1 : SgemmBlocked.CHUNKS_PER_THREAD * threads);
    GemmPool.forEach(threads, parts, part -> {
      int from = (int) ((long) units * part / parts) * unit;
      int to = (int) Math.min((long) units * (part + 1) / parts * unit, byRows ? g.m() : g.n());
      if (byRows) {
        multiplyBlock(g, from, to, 0, g.n());
      } else {
        multiplyBlock(g, 0, g.m(), from, to);
      }
    });
  }

  /** C[i0..i1, j0..j1] on the calling thread. */
  private static void multiplyBlock(Sgemm.Problem g, int i0, int i1, int j0, int j1) {
    boolean axpyRows = !g.transB() && j1 - j0 >= VL;
    int aStride = g.transA() ? g.lda() : 1;
    int bStride = g.transB() ? 1 : g.ldb();
    for (int i = i0; i < i1; i++) {
      int cRow = g.cOff() + i * g.ldc();
      Sgemm.scale(g.c(), cRow + j0, 0, 1, j1 - j0, g.beta());
      if (axpyRows) {
        for (int p = 0; p < g.k(); p++) {
          axpy(g.alpha() * g.a()[g.aIndex(i, p)], g.b(), g.bIndex(p, j0), g.c(), cRow + j0, j1 - j0);
        }
      } else {
        for (int j = j0; j < j1; j++) {
          float sum = dot(g.a(), g.aIndex(i, 0), aStride, g.b(), g.bIndex(0, j), bStride, g.k());
          g.c()[cRow + j] += g.alpha() * sum;
        }
      }
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  /** y[yOff ..+ n] += s * x[xOff ..+ n]. */
  private static void axpy(float s, float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector sv = FloatVector.broadcast(SPECIES, s);
    int j = 0;
    for (int bound = SPECIES.loopBound(n); j < bound; j += VL) {
      FloatVector.fromArray(SPECIES, x, xOff + j).fma(sv, FloatVector.fromArray(SPECIES, y, yOff + j))
          .intoArray(y, yOff + j);
    }
    for (; j < n; j++) {
      y[yOff + j] = Math.fma(s, x[xOff + j], y[yOff + j]);
    }
  }

  /** Sum over p < n of x[xOff + p * xStride] * y[yOff + p * yStride]. */
  private static float dot(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int n) {
    int p = 0;
    float sum = 0f;
    if (xStride == 1 && yStride == 1) {
      FloatVector acc = FloatVector.zero(SPECIES);
      for (int bound = SPECIES.loopBound(n); p < bound; p += VL) {
        acc = FloatVector.fromArray(SPECIES, x, xOff + p).fma(FloatVector.fromArray(SPECIES, y, yOff + p), acc);
      }
      // Lane by lane in order: reduceLanes(ADD) may reassociate differently once the JIT compiles it.
      for (int lane = 0; lane < VL; lane++) {
        sum += acc.lane(lane);
      }
    }
    for (; p < n; p++) {
      sum = Math.fma(x[xOff + p * xStride], y[yOff + p * yStride], sum);
    }
    return sum;
  }
}
