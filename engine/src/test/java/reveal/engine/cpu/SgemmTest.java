package reveal.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SgemmTest {
  /** Unit roundoff of float32. */
  private static final double U = Math.ulp(1f) / 2;

  /** One sgemm call laid out in padded arrays: offsets and leading dimensions larger than needed. */
  private static final class Case {
    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final float alpha;
    final float beta;
    final int aOff;
    final int lda;
    final int bOff;
    final int ldb;
    final int cOff;
    final int ldc;
    final float[] a;
    final float[] b;
    final float[] c0;

    Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.beta = beta;
      aOff = random.nextInt(4);
      lda = (transA ? m : k) + random.nextInt(3);
      bOff = random.nextInt(4);
      ldb = (transB ? k : n) + random.nextInt(3);
      cOff = random.nextInt(4);
      ldc = n + random.nextInt(3);
      a = randomArray(aOff + (transA ? k : m) * lda, random);
      b = randomArray(bOff + (transB ? n : k) * ldb, random);
      c0 = randomArray(cOff + m * ldc + 2, random);
    }

    float[] run(int threads) {
      float[] c = c0.clone();
      Sgemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads);
      return c;
    }

    double opA(int i, int p) {
      return a[aOff + (transA ? p * lda + i : i * lda + p)];
    }

    double opB(int p, int j) {
      return b[bOff + (transB ? j * ldb + p : p * ldb + j)];
    }

    /**
     * Checks c against a float64 loop, element by element, with the forward error bound of a k-term float32
     * sum: |error| <= (k + 4) u (|alpha| sum |a||b| + |beta c|), doubled for slack. Elements outside the
     * m x n window of C must be untouched.
     */
    void check(float[] c) {
      boolean[] inside = new boolean[c.length];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double magnitude = 0;
          for (int p = 0; p < k; p++) {
            sum += opA(i, p) * opB(p, j);
            magnitude += Math.abs(opA(i, p) * opB(p, j));
          }
          int at = cOff + i * ldc + j;
          inside[at] = true;
          double old = beta == 0f ? 0 : c0[at];
          double expected = alpha * sum + beta * old;
          double bound = 2 * (k + 4) * U * (Math.abs(alpha) * magnitude + Math.abs(beta * old)) + Float.MIN_NORMAL;
          if (!(Math.abs(c[at] - expected) <= bound)) {
            fail(this + ": C[" + i + "][" + j + "] = " + c[at] + ", expected " + expected + " within " + bound);
          }
        }
      }
      for (int at = 0; at < c.length; at++) {
        if (!inside[at] && Float.floatToRawIntBits(c[at]) != Float.floatToRawIntBits(c0[at])) {
          fail(this + ": C index " + at + " outside the product changed from " + c0[at] + " to " + c[at]);
        }
      }
    }

    @Override
    public String toString() {
      return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
          + " alpha=" + alpha + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
    }
  }

  private static float[] randomArray(int length, SplittableRandom random) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return x;
  }

  /**
   * Shapes that hit the direct path (tiny; m == 1 and n == 1, small and large enough to split over threads; n
   * narrower than a vector; one row of 20 columns deep enough for two threads, whose last 16-column chunk is
   * narrower than the axpy threshold), ragged microtiles in both directions, several depth blocks (k > KC),
   * several row blocks (m > MC) and several column blocks (n > NC).
   */
  static Stream<Arguments> shapes() {
    int[][] shapes = {
        {1, 1, 1}, {7, 7, 7}, {1, 300, 70}, {300, 1, 70}, {1, 3001, 200}, {2001, 1, 300}, {3, 5, 700},
        {33, 33, 33}, {10, 32, 128}, {7, 17, 255}, {255, 33, 7}, {37, 41, 1023}, {1023, 17, 33}, {5, 1023, 64}, {250, 300, 260}, {13, 4200, 9}, {1, 20, 30000},
    };
    List<Arguments> cases = new ArrayList<>();
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        cases.add(Arguments.of(t >= 2, t % 2 == 1, s[0], s[1], s[2]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
  @MethodSource("shapes")
  void matchesFloat64ReferenceAndIsIdenticalForOneAndTwoThreads(boolean transA, boolean transB, int m, int n, int k) {
    Case g = new Case(transA, transB, m, n, k, -0.75f, 0.5f, 31L * m + 7L * n + k);
    float[] one = g.run(1);
    g.check(one);
    float[] two = g.run(2);
    assertArrayEquals(one, two, g + ": 1 and 2 threads differ");
  }

  @Test
  void alphaAndBetaVariants() {
    float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {2f, -1f}, {-0.5f, 2f}, {0f, 0.5f}, {0f, 0f}};
    for (float[] ab : alphaBeta) {
      for (int[] s : new int[][] {{5, 9, 11}, {70, 50, 300}}) {
        Case g = new Case(false, true, s[0], s[1], s[2], ab[0], ab[1], 99);
        g.check(g.run(2));
      }
    }
  }

  @Test
  void betaZeroOverwritesNaNAndInfinityInC() {
    for (int size : new int[] {4, 64}) {
      Case g = new Case(true, false, size, size, size, 1f, 0f, 5);
      for (int at = 0; at < g.c0.length; at++) {
        g.c0[at] = at % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
      }
      g.check(g.run(2));
    }
  }

  @Test
  void zeroDepthScalesCByBeta() {
    float[] c = {1f, 2f, 3f, 4f, Float.NaN};
    Sgemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 3f, c, 0, 2, 1);
    assertArrayEquals(new float[] {3f, 6f, 9f, 12f, Float.NaN}, c);
    Sgemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 0f, c, 0, 2, 1);
    assertArrayEquals(new float[] {0f, 0f, 0f, 0f, Float.NaN}, c);
  }

  @Test
  void knownSmallProduct() {
    // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {7, 8, 9, 10, 11, 12};
    float[] c = new float[4];
    Sgemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2, 1);
    assertArrayEquals(new float[] {58, 64, 139, 154}, c);
    // The same product with A stored transposed (3 x 2) and B stored transposed (2 x 3).
    float[] aT = {1, 4, 2, 5, 3, 6};
    float[] bT = {7, 9, 11, 8, 10, 12};
    Sgemm.sgemm(true, true, 2, 2, 3, 1f, aT, 0, 2, bT, 0, 3, 0f, c, 0, 2, 1);
    assertArrayEquals(new float[] {58, 64, 139, 154}, c);
  }

  @Test
  void repeatedCallsAndThreadCountsAreBitIdentical() {
    Case g = new Case(false, false, 200, 190, 513, 1f, 0f, 17);
    float[] first = g.run(2);
    for (int rep = 0; rep < 3; rep++) {
      assertArrayEquals(first, g.run(2));
    }
    assertArrayEquals(first, g.run(1));
    assertArrayEquals(first, g.run(3));
  }

  @Test
  void fewRowsAreSharedOutByColumnGroups() {
    // 7 rows give two row chunks; 4 threads then split the 2000 columns into groups as well.
    Case g = new Case(true, false, 7, 2000, 300, 1.5f, -1f, 23);
    float[] four = g.run(4);
    g.check(four);
    assertArrayEquals(g.run(1), four);
  }

  @Test
  void rejectsBadArgumentsNamingTheMatrix() {
    float[] x = new float[12];
    IllegalArgumentException lda = assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, false, 3, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, x, 0, 4, 1));
    assertTrue(lda.getMessage().contains("A (m x k)") && lda.getMessage().contains("3"), lda.getMessage());
    IllegalArgumentException shortB = assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, true, 3, 4, 4, 1f, x, 0, 4, x, 1, 4, 0f, x, 0, 4, 1));
    assertTrue(shortB.getMessage().contains("B (transposed"), shortB.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, false, 3, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 0, 4, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, false, -1, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 0, 4, 1));
  }
}
