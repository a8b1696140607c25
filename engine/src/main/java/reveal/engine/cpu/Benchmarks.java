package reveal.engine.cpu;

/** The CPU backend's micro-benchmarks, opened to {@code reveal.engine.bench}. */
public final class Benchmarks {
    private Benchmarks() {
    }

    /** Best-of-several GFLOP/s of a {@code size}-square SGEMM, {@code C = op(A) op(B)}, after a JIT warm-up. */
    public static double sgemmGflops(int size, boolean transA, boolean transB, int threads) {
        return SgemmBench.gflops(size, transA, transB, threads);
    }
}
