package reveal.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM straight from the caller's arrays, for products too small or too thin (m == 1 or n == 1) to repay
 * packing. When op(B)'s rows are contiguous and at least a vector wide, each C row gets one axpy per p;
 * otherwise each C element is a dot product, vectorised when op(A)'s row and op(B)'s column are contiguous.
 */
final class SgemmDirect {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int VL = SPECIES.length();

  private SgemmDirect() {}

  static void multiply(Sgemm.Problem g) {
    Sgemm.scale(g.c(), g.cOff(), g.ldc(), g.m(), g.n(), g.beta());
    boolean axpyRows = !g.transB() && g.n() >= VL;
    int aStride = g.transA() ? g.lda() : 1;
    int bStride = g.transB() ? 1 : g.ldb();
    for (int i = 0; i < g.m(); i++) {
      int cRow = g.cOff() + i * g.ldc();
      if (axpyRows) {
        for (int p = 0; p < g.k(); p++) {
          axpy(g.alpha() * g.a()[g.aIndex(i, p)], g.b(), g.bIndex(p, 0), g.c(), cRow, g.n());
        }
      } else {
        for (int j = 0; j < g.n(); j++) {
          float sum = dot(g.a(), g.aIndex(i, 0), aStride, g.b(), g.bIndex(0, j), bStride, g.k());
          g.c()[cRow + j] += g.alpha() * sum;
        }
      }
    }
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
