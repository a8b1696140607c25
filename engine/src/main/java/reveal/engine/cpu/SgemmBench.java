package reveal.engine.cpu;

import java.util.SplittableRandom;

/** Throughput of {@link Sgemm} on square products, for {@code reveal bench sgemm}. */
final class SgemmBench {
  /**
   * Time spent in untimed calls first: until C2 has compiled the kernel and the loops around it (which takes
   * up to ~2 s at large sizes, where each loop is entered only a few times per call) timings read ~30% low.
   */
  private static final long WARMUP_NANOS = 3_000_000_000L;
  private static final int TIMED_RUNS = 7;

  private SgemmBench() {}

  /** Best-of-{@value #TIMED_RUNS} GFLOP/s (2 n^3 flops per call) of C = op(A) * op(B) for size x size operands. */
  static double gflops(int size, boolean transA, boolean transB, int threads) {
    if (size < 1 || threads < 1) {
      throw new IllegalArgumentException("sgemm bench: size=" + size + " threads=" + threads + " must be >= 1");
    }
    float[] a = random(size * size, 1);
    float[] b = random(size * size, 2);
    float[] c = new float[size * size];
    // Enough calls per timing for ~2 GFLOP, i.e. tens of milliseconds, even for small sizes.
    double flops = 2.0 * size * size * size;
    int reps = (int) Math.max(1, Math.min(1_000_000, 2e9 / flops));
    long warmEnd = System.nanoTime() + WARMUP_NANOS;
    do {
      Sgemm.sgemm(transA, transB, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size, threads);
    } while (System.nanoTime() < warmEnd);
    long best = Long.MAX_VALUE;
    for (int run = 0; run < TIMED_RUNS; run++) {
      long start = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        Sgemm.sgemm(transA, transB, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size, threads);
      }
      best = Math.min(best, System.nanoTime() - start);
    }
    return flops * reps / best;
  }

  private static float[] random(int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return x;
  }
}
