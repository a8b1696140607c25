package reveal.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM straight from the caller's arrays, for products too small or too thin (m == 1 or n == 1) to repay
 * packing. When op(B)'s rows are contiguous and C has at least {@value #AXPY_MIN_COLUMNS} columns, each C row
 * gets one axpy per p; otherwise each C element is a dot product, vectorised when op(A)'s row and op(B)'s column
 * are contiguous. Neither the choice nor the order of any sum depends on the vector width or on how C is split
 * over threads, so results are the same on every machine.
 */
final class SgemmDirect {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int VL = SPECIES.length();
  /** Fewer columns than this take dot products: the choice is the whole problem's, never a chunk's or a width's. */
  static final int AXPY_MIN_COLUMNS = 16;
  /**
   * Partial sums of a dot product: element p goes to partial p mod 16 (up to the last whole group of 16), held as
   * one 512-bit, two 256-bit or four 128-bit vectors, so that the grouping is the same at every width.
   */
  static final int DOT_PARTIALS = 16;

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
    boolean axpyRows = !g.transB() && g.n() >= AXPY_MIN_COLUMNS;
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

  /**
   * Sum over p < n of x[xOff + p * xStride] * y[yOff + p * yStride]. With unit strides: {@value #DOT_PARTIALS}
   * fma chains over the whole groups of 16, added in index order, then the rest one by one; the vector shapes
   * below all compute exactly that, and C2 keeps only the branch for this machine's width.
   */
  private static float dot(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int n) {
    int p = 0;
    float sum = 0f;
    if (xStride == 1 && yStride == 1 && n >= DOT_PARTIALS) {
      int bound = n - n % DOT_PARTIALS;
      // Lane by lane in order: reduceLanes(ADD) may reassociate differently once the JIT compiles it.
      if (VL >= 16) {
        VectorSpecies<Float> s = FloatVector.SPECIES_512;
        FloatVector a0 = FloatVector.zero(s);
        for (; p < bound; p += 16) {
          a0 = FloatVector.fromArray(s, x, xOff + p).fma(FloatVector.fromArray(s, y, yOff + p), a0);
        }
        for (int lane = 0; lane < 16; lane++) {
          sum += a0.lane(lane);
        }
      } else if (VL == 8) {
        VectorSpecies<Float> s = FloatVector.SPECIES_256;
        FloatVector a0 = FloatVector.zero(s), a1 = FloatVector.zero(s);
        for (; p < bound; p += 16) {
          a0 = FloatVector.fromArray(s, x, xOff + p).fma(FloatVector.fromArray(s, y, yOff + p), a0);
          a1 = FloatVector.fromArray(s, x, xOff + p + 8).fma(FloatVector.fromArray(s, y, yOff + p + 8), a1);
        }
        for (int lane = 0; lane < 8; lane++) {
          sum += a0.lane(lane);
        }
        for (int lane = 0; lane < 8; lane++) {
          sum += a1.lane(lane);
        }
      } else if (VL == 4) {
        VectorSpecies<Float> s = FloatVector.SPECIES_128;
        FloatVector a0 = FloatVector.zero(s), a1 = FloatVector.zero(s), a2 = FloatVector.zero(s), a3 = FloatVector.zero(s);
        for (; p < bound; p += 16) {
          a0 = FloatVector.fromArray(s, x, xOff + p).fma(FloatVector.fromArray(s, y, yOff + p), a0);
          a1 = FloatVector.fromArray(s, x, xOff + p + 4).fma(FloatVector.fromArray(s, y, yOff + p + 4), a1);
          a2 = FloatVector.fromArray(s, x, xOff + p + 8).fma(FloatVector.fromArray(s, y, yOff + p + 8), a2);
          a3 = FloatVector.fromArray(s, x, xOff + p + 12).fma(FloatVector.fromArray(s, y, yOff + p + 12), a3);
        }
        for (int lane = 0; lane < 4; lane++) {
          sum += a0.lane(lane);
        }
        for (int lane = 0; lane < 4; lane++) {
          sum += a1.lane(lane);
        }
        for (int lane = 0; lane < 4; lane++) {
          sum += a2.lane(lane);
        }
        for (int lane = 0; lane < 4; lane++) {
          sum += a3.lane(lane);
        }
      } else {
        float[] partial = new float[DOT_PARTIALS];
        for (; p < bound; p += DOT_PARTIALS) {
          for (int q = 0; q < DOT_PARTIALS; q++) {
            partial[q] = Math.fma(x[xOff + p + q], y[yOff + p + q], partial[q]);
          }
        }
        for (float v : partial) {
          sum += v;
        }
      }
    }
    for (; p < n; p++) {
      sum = Math.fma(x[xOff + p * xStride], y[yOff + p * yStride], sum);
    }
    return sum;
  }
}
