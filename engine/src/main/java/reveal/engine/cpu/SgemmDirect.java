package reveal.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM straight from the caller's arrays, for products too small or too thin (m == 1 or n == 1) to repay
 * packing. Each C row gets one axpy per p (every element an fma chain over p, in order; the lanes of a vector are
 * independent elements, so the width cannot change a sum). When op(B) is B transposed, its rows are first copied
 * out as contiguous rows, unless k is long enough ({@value #DOT_MIN_DEPTH}) or C a single row, where each element
 * is a vectorised dot product instead. The tiny products of attention heads (head width 8, a few dozen tokens) are
 * the case this is for: as dot products they are short latency-bound chains, as axpys independent lanes. Neither
 * the choice nor the order of any sum depends on the vector width or on how C is split over threads, so results
 * are the same on every machine.
 */
final class SgemmDirect {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int VL = SPECIES.length();
  /** A C with fewer columns than this and at least this many rows is computed transposed. */
  static final int NARROW = 16;
  /** With op(B) transposed, products this deep take dot products: the choice is the whole problem's, never a chunk's or a width's. */
  static final int DOT_MIN_DEPTH = 64;
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
    if (g.n() < NARROW && g.m() >= NARROW) {
      multiplyTransposed(g, threads);
      return;
    }
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

  /**
   * C = op(A) op(B) for a C narrower than a vector but tall (attention's probabilities times values: 8 columns),
   * computed as C^T = op(B)^T op(A)^T so that the axpys run along C's long side, then transposed back. Every
   * element is still one fma chain over p in order, and the choice depends only on the shape.
   */
  private static void multiplyTransposed(Sgemm.Problem g, int threads) {
    int m = g.m(), n = g.n();
    float[] ct = new float[n * m];
    for (int i = 0; i < m; i++) {
      int row = g.cOff() + i * g.ldc();
      for (int j = 0; j < n; j++) {
        ct[j * m + i] = g.beta() == 0f ? 0f : g.beta() * g.c()[row + j];
      }
    }
    multiply(new Sgemm.Problem(!g.transB(), !g.transA(), n, m, g.k(), g.alpha(), g.b(), g.bOff(), g.ldb(), g.a(), g.aOff(), g.lda(),
        1f, ct, 0, m), threads);
    for (int i = 0; i < m; i++) {
      int row = g.cOff() + i * g.ldc();
      for (int j = 0; j < n; j++) {
        g.c()[row + j] = ct[j * m + i];
      }
    }
  }

  /** C[i0..i1, j0..j1] on the calling thread. */
  private static void multiplyBlock(Sgemm.Problem g, int i0, int i1, int j0, int j1) {
    boolean axpyRows = !g.transB() || (g.k() < DOT_MIN_DEPTH && g.m() > 1);
    int aStride = g.transA() ? g.lda() : 1;
    int bStride = g.transB() ? 1 : g.ldb();
    float[] rows = g.b();
    int rowsOff = 0, rowsLd = g.ldb();
    if (axpyRows && g.transB()) {
      // op(B)[p, j0..j1] as contiguous rows: k x (j1 - j0) copies against (i1 - i0) x that many fmas.
      int w = j1 - j0;
      rows = new float[g.k() * w];
      rowsLd = w;
      for (int j = 0; j < w; j++) {
        int src = g.bIndex(0, j0 + j);
        for (int p = 0; p < g.k(); p++) {
          rows[p * w + j] = g.b()[src + p];
        }
      }
    } else if (axpyRows) {
      rowsOff = g.bIndex(0, j0);
    }
    for (int i = i0; i < i1; i++) {
      int cRow = g.cOff() + i * g.ldc();
      Sgemm.scale(g.c(), cRow + j0, 0, 1, j1 - j0, g.beta());
      if (axpyRows) {
        for (int p = 0; p < g.k(); p++) {
          axpy(g.alpha() * g.a()[g.aIndex(i, p)], rows, rowsOff + p * rowsLd, g.c(), cRow + j0, j1 - j0);
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

  /** y[yOff ..+ n] += s * x[xOff ..+ n]: each element one fma, whatever width computes it. */
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
