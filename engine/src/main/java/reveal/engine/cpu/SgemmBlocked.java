package reveal.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GotoBLAS/BLIS-style SGEMM: op(B) is packed into KC x NR column panels, op(A) into MC x KC blocks of MR-row
 * panels (zero-padded at the edges), and an MR x NR register-blocked microkernel accumulates outer products
 * with FMA. For each KC x NC block of B, the threads first pack its panels together, then share out chunks of C
 * rows (and, when rows are few, column groups), each packing its own A block. Every C element is summed over k
 * in the same order whichever thread computes it and however C is chunked, and the depth blocks do not depend on
 * the vector width, so results depend on neither threads nor the machine.
 */
final class SgemmBlocked {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int VL = SPECIES.length();
  /**
   * Microtile rows. 5 x 2 accumulators + 2 B vectors leave 4 of the 16 AVX2 registers for A broadcasts: with
   * 6 x 2, JDK 25's C2 schedules three broadcasts at once, spills an accumulator and runs at half speed, while
   * JDK 17 gains only ~5% from the sixth row.
   */
  static final int MR = 5;
  /** Microtile columns: two vectors. */
  static final int NR = 2 * VL;
  /**
   * Depth of one packed block. Each C element is summed over k one block at a time, so KC fixes the rounding
   * and must not follow the vector width: a width-derived KC (8192 / NR, 512 with AVX2, 256 with AVX-512) gave
   * different bits on different machines. 512 is the old AVX2 value (a 32 KiB B panel there; on Zen 3 ~5-15%
   * faster than 256 at n = 512..2048: half as many passes over C, whose tiles miss cache); with AVX-512 (a
   * 64 KiB panel) it measured ~15% faster than the old 256 at n = 1024, in thread CPU time on a loaded machine.
   */
  static final int KC = 512;
  /** Rows of the packed A block: MC x KC floats (240 KiB) stay in a 512 KiB L2. */
  static final int MC = 61440 / KC / MR * MR;
  /**
   * Work items per thread when multi-threaded, handed out on demand, so that a thread slowed by the OS or a
   * busy neighbour takes fewer of them instead of holding the others up.
   */
  static final int CHUNKS_PER_THREAD = 8;
  /** Columns of the packed B block: KC x NC floats (4 MiB) live in L3, shared by all threads. */
  static final int NC = 2048 / NR * NR;

  /** Per-thread packing buffers, kept between calls: pool threads live as long as the process. */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private SgemmBlocked() {}

  private static final class Buffers {
    final float[] aPack = new float[MC * KC];
    float[] bPack = new float[0];
    /** The microkernel's MR x NR result, merged from here into C with alpha, beta and the edge limits. */
    final float[] tile = new float[MR * NR];

    float[] bPack(int size) {
      if (bPack.length < size) {
        bPack = new float[size];
      }
      return bPack;
    }
  }

  static void multiply(Sgemm.Problem g, int threads) {
    float[] bPack = BUFFERS.get().bPack(KC * Math.min(NC, ceilDiv(g.n(), NR) * NR));
    int target = threads == 1 ? 1 : CHUNKS_PER_THREAD * threads;
    // Row chunks of whole microtiles, at most one A block each; column groups only when rows alone are too few.
    int chunkRows = Math.min(MC, ceilDiv(ceilDiv(g.m(), target), MR) * MR);
    int rowChunks = ceilDiv(g.m(), chunkRows);
    for (int jc = 0; jc < g.n(); jc += NC) {
      int nc = Math.min(NC, g.n() - jc);
      int nPanels = ceilDiv(nc, NR);
      int colGroups = Math.min(nPanels, ceilDiv(target, rowChunks));
      for (int pc = 0; pc < g.k(); pc += KC) {
        int kc = Math.min(KC, g.k() - pc);
        // Later depth blocks add onto what the first one stored.
        float beta = pc == 0 ? g.beta() : 1f;
        int j0 = jc;
        int p0 = pc;
        GemmPool.forEach(threads, nPanels,
            panel -> packB(g, p0, kc, j0 + panel * NR, Math.min(NR, nc - panel * NR), bPack, panel * NR * kc));
        GemmPool.forEach(threads, rowChunks * colGroups, chunk -> {
          int ic = chunk / colGroups * chunkRows;
          int group = chunk % colGroups;
          int mc = Math.min(chunkRows, g.m() - ic);
          Buffers own = BUFFERS.get();
          packA(g, ic, mc, p0, kc, own.aPack);
          for (int panel = split(nPanels, colGroups, group); panel < split(nPanels, colGroups, group + 1); panel++) {
            int jr = panel * NR;
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
              int cIndex = g.cOff() + (ic + ir) * g.ldc() + j0 + jr;
              kernel(kc, own.aPack, ir * kc, bPack, jr * kc, own.tile);
              mergeTile(own.tile, Math.min(MR, mc - ir), nr, g.c(), cIndex, g.ldc(), g.alpha(), beta);
            }
          }
        });
      }
    }
  }

  /** First panel of part {@code part} when {@code panels} are shared as evenly as possible by {@code parts}. */
  private static int split(int panels, int parts, int part) {
    return (int) ((long) panels * part / parts);
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  /**
   * Packs op(B)[pc..pc+kc, j..j+nr] as one kc x NR panel at dst[at..], stored row by row (NR floats per p);
   * columns past nr are zero so the microkernel never needs a column count.
   */
  private static void packB(Sgemm.Problem g, int pc, int kc, int j, int nr, float[] dst, int at) {
    float[] b = g.b();
    if (!g.transB()) {
      for (int p = 0; p < kc; p++) {
        int src = g.bIndex(pc + p, j);
        int to = at + p * NR;
        if (nr == NR) {
          FloatVector.fromArray(SPECIES, b, src).intoArray(dst, to);
          FloatVector.fromArray(SPECIES, b, src + VL).intoArray(dst, to + VL);
        } else {
          for (int jj = 0; jj < NR; jj++) {
            dst[to + jj] = jj < nr ? b[src + jj] : 0f;
          }
        }
      }
    } else {
      for (int jj = 0; jj < NR; jj++) {
        int src = g.bIndex(pc, j + Math.min(jj, nr - 1));
        for (int p = 0; p < kc; p++) {
          dst[at + p * NR + jj] = jj < nr ? b[src + p] : 0f;
        }
      }
    }
  }

  /**
   * Packs op(A)[ic..ic+mc, pc..pc+kc] as consecutive MR x kc panels, each stored column by column (MR floats per
   * p); rows past mc are zero. Like {@link #packB}, each branch reads the source along its contiguous direction.
   */
  private static void packA(Sgemm.Problem g, int ic, int mc, int pc, int kc, float[] dst) {
    float[] a = g.a();
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      int panel = ir * kc;
      if (g.transA()) {
        for (int p = 0; p < kc; p++) {
          int src = g.aIndex(ic + ir, pc + p);
          int to = panel + p * MR;
          for (int i = 0; i < MR; i++) {
            dst[to + i] = i < mr ? a[src + i] : 0f;
          }
        }
      } else {
        for (int i = 0; i < MR; i++) {
          int src = g.aIndex(ic + ir + Math.min(i, mr - 1), pc);
          for (int p = 0; p < kc; p++) {
            dst[panel + p * MR + i] = i < mr ? a[src + p] : 0f;
          }
        }
      }
    }
  }

  /**
   * tile[MR x NR] = A panel * B panel, summing the kc outer products in order. The 10 accumulators are spelt out
   * so that C2 keeps them in registers; they leave only through plain stores because passing them to a method
   * that C2 declines to inline would box them on every iteration.
   */
  private static void kernel(int kc, float[] a, int aIndex, float[] b, int bIndex, float[] tile) {
    FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
    FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
    FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
    FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
    FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
    // Walking both indices (rather than deriving them from p) measured ~15% faster: less index arithmetic.
    for (int ai = aIndex, bi = bIndex, aEnd = aIndex + kc * MR; ai < aEnd; ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + VL);
      FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(SPECIES, a[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(SPECIES, a[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(SPECIES, a[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(SPECIES, a[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, VL);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + VL);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + VL);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + VL);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + VL);
  }

  /**
   * C[mr x nr at cIndex] = alpha * tile + beta * C, rounded as fma(tile, alpha, beta * C) on every path;
   * beta == 0 never reads C.
   */
  private static void mergeTile(float[] tile, int mr, int nr, float[] c, int cIndex, int ldc,
                                float alpha, float beta) {
    FloatVector alphaV = FloatVector.broadcast(SPECIES, alpha);
    FloatVector betaV = FloatVector.broadcast(SPECIES, beta);
    for (int i = 0; i < mr; i++) {
      int row = cIndex + i * ldc;
      int j = 0;
      for (; j + VL <= nr; j += VL) {
        FloatVector t = FloatVector.fromArray(SPECIES, tile, i * NR + j);
        FloatVector merged = beta == 0f
            ? t.mul(alphaV)
            : t.fma(alphaV, FloatVector.fromArray(SPECIES, c, row + j).mul(betaV));
        merged.intoArray(c, row + j);
      }
      for (; j < nr; j++) {
        // -0 keeps the sign of a zero product, as the plain multiply above does.
        float old = beta == 0f ? -0f : beta * c[row + j];
        c[row + j] = Math.fma(tile[i * NR + j], alpha, old);
      }
    }
  }
}
