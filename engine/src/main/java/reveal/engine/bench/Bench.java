package reveal.engine.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.cpu.Benchmarks;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.io.Json;

/** The benchmarks behind {@code reveal bench}: each returns one JSON line (or a text table). */
public final class Bench {
    /** GPT-2 small: hidden 768, 12 heads, FFN 3072. */
    static final int HIDDEN = 768, HEADS = 12, FFN = 3072;
    private static final int MIN_WARMUP_RUNS = 2;
    /** C2 compiles the hot loops only after a few seconds of running them (see SgemmBench). */
    private static final long MIN_WARMUP_NANOS = 4_000_000_000L;
    private static final int TIMED_RUNS = 5;
    /** Runs go on for at least this long: on a shared machine the best of many is the honest figure. */
    private static final long MIN_TIMED_NANOS = 3_000_000_000L;

    private Bench() {
    }

    /** {@code {"op":"sgemm","size":N,"threads":T,"gflops":X}} for a square, untransposed product. */
    public static String sgemmJson(int size, int threads) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", "sgemm");
        out.put("size", size);
        out.put("threads", threads);
        out.put("gflops", round2(Benchmarks.sgemmGflops(size, false, false, threads)));
        return Json.write(out);
    }

    /** GFLOP/s of square products of 256 to 2048, as NN, NT (B transposed) and TN (A transposed): a text table. */
    public static String sgemmTable(int threads) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "sgemm GFLOP/s, %d thread(s)%n%6s %8s %8s %8s%n", threads, "size", "NN", "NT", "TN"));
        for (int size = 256; size <= 2048; size *= 2) {
            sb.append(String.format(Locale.ROOT, "%6d %8.2f %8.2f %8.2f%n", size,
                    Benchmarks.sgemmGflops(size, false, false, threads),
                    Benchmarks.sgemmGflops(size, false, true, threads),
                    Benchmarks.sgemmGflops(size, true, false, threads)));
        }
        return sb.toString();
    }

    /**
     * {@code {"op":"blocks","layers":L,"tokens":T,"forward_backward_ms":X,"peak_heap_mb":Y}}: forward and backward
     * of {@code layers} GPT-2-small pre-LN blocks on {@code 1 x tokens} random inputs with random weights, loss =
     * sum of the output, gradients for every weight. The time is the best of at least {@value #TIMED_RUNS} runs
     * and 3 s of runs after a JIT warm-up; the heap is the peak occupancy (live data and garbage not yet
     * collected) during one more run started after a full collection, weights included: see {@link HeapPeak}.
     */
    public static String blocksJson(int layers, int tokens, int threads) {
        Runnable step = blocksStep(layers, tokens, threads);
        long warmEnd = System.nanoTime() + MIN_WARMUP_NANOS;
        for (int run = 0; run < MIN_WARMUP_RUNS || System.nanoTime() < warmEnd; run++) step.run();
        long best = Long.MAX_VALUE, timedEnd = System.nanoTime() + MIN_TIMED_NANOS;
        for (int run = 0; run < TIMED_RUNS || System.nanoTime() < timedEnd; run++) {
            long start = System.nanoTime();
            step.run();
            best = Math.min(best, System.nanoTime() - start);
        }
        return blocksRecord(layers, tokens, best / 1e6, HeapPeak.measure(step));
    }

    static String blocksRecord(int layers, int tokens, double millis, long peakHeapBytes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", "blocks");
        out.put("layers", layers);
        out.put("tokens", tokens);
        out.put("forward_backward_ms", round2(millis));
        out.put("peak_heap_mb", round2(peakHeapBytes / (1024.0 * 1024.0)));
        return Json.write(out);
    }

    /** One forward and backward pass of the block stack, clearing the previous pass's gradients first. */
    static Runnable blocksStep(int layers, int tokens, int threads) {
        return blocksStep(new CpuBackend(threads), layers, tokens, new ArrayList<>());
    }

    /** As above on any backend; the weights are added to {@code weights}, whose gradients each pass leaves. */
    static Runnable blocksStep(Backend b, int layers, int tokens, List<Tensor> weights) {
        List<List<Tensor>> blocks = new ArrayList<>();
        for (int l = 0; l < layers; l++) blocks.add(TransformerBlock.randomParameters(b, HIDDEN, FFN, 0.02, l));
        for (List<Tensor> ps : blocks) weights.addAll(ps);
        Tensor x = Tensor.randn(b, -1, 1.0, tokens, HIDDEN);
        Tensor mask = TransformerBlock.causalMask(b, tokens);
        return () -> {
            for (Tensor p : weights) p.zeroGrad();
            Tensor h = x;
            for (List<Tensor> ps : blocks) h = TransformerBlock.forward(h, ps, HEADS, mask);
            h.sum().backward();
        };
    }

    private static double round2(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
