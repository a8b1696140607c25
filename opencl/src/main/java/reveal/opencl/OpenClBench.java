package reveal.opencl;

import java.util.SplittableRandom;
import reveal.engine.Backend;
import reveal.engine.Layout;
import reveal.engine.Storage;

/** SGEMM throughput of any backend through {@link Backend#matmul}, timed to completion (a one-element download waits for the device). */
public final class OpenClBench {
    private static final long WARMUP_NANOS = 2_000_000_000L;
    private static final int TIMED_RUNS = 5;

    private OpenClBench() {
    }

    /** Best-of-{@value #TIMED_RUNS} GFLOP/s (2 size^3 flops per product) of a square size x size product. */
    public static double sgemmGflops(Backend backend, int size) {
        if (size < 1) throw new IllegalArgumentException("sgemm bench: size " + size + " must be >= 1");
        Storage a = backend.upload(random(size * size, 1)), b = backend.upload(random(size * size, 2));
        double flops = 2.0 * size * size * size;
        int reps = (int) Math.max(1, Math.min(1000, 1e9 / flops));
        long warmEnd = System.nanoTime() + WARMUP_NANOS;
        do {
            finish(backend, product(backend, a, b, size));
        } while (System.nanoTime() < warmEnd);
        long best = Long.MAX_VALUE;
        for (int run = 0; run < TIMED_RUNS; run++) {
            long start = System.nanoTime();
            Storage last = null;
            for (int r = 0; r < reps; r++) last = product(backend, a, b, size);
            finish(backend, last);
            best = Math.min(best, System.nanoTime() - start);
        }
        return flops * reps / best;
    }

    private static Storage product(Backend backend, Storage a, Storage b, int size) {
        return backend.matmul(a, 0, 0, false, size, b, 0, 0, false, size, 1, size, size, size);
    }

    private static void finish(Backend backend, Storage s) {
        backend.downloadFloats(s, new Layout(new int[] {1}, new int[] {1}, 0));
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** Prints GFLOP/s of the cpu backend and the given (default: {@code opencl}) device at 256, 512 and 1024, or the sizes given after the spec. */
    public static void main(String[] args) {
        String spec = args.length > 0 ? args[0] : "opencl";
        int[] sizes = args.length > 1 ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {256, 512, 1024};
        Backend cpu = Devices.backend("cpu"), other = Devices.backend(spec);
        System.out.println("sgemm GFLOP/s    cpu    " + other.name());
        for (int n : sizes) System.out.printf("%5d          %6.1f   %6.1f%n", n, sgemmGflops(cpu, n), sgemmGflops(other, n));
    }
}
