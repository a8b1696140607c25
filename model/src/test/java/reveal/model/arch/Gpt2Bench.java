package reveal.model.arch;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import reveal.engine.Tensor;
import reveal.engine.cpu.CpuBackend;
import reveal.model.LanguageModel;
import reveal.model.bench.Gpt2Small;
import reveal.model.io.HostTensor;
import reveal.model.io.SafetensorsWriter;

/**
 * Not a test: times a GPT-2-small-shaped model (124M parameters, random N(0, 0.02) weights) on the CPU backend,
 * to compare with {@code bench/gpt2_torch.py} (same shapes and work). Each mode runs in its own JVM so peak
 * memory figures are its own:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp model/target/classes:model/target/test-classes:ENGINE_JAR \
 *        reveal.model.arch.Gpt2Bench write|load|train DIR [threads] [iterations]
 * </pre>
 * {@code write} saves config.json + model.safetensors (~500 MB) to DIR; {@code load} times loading it and reports
 * peak heap and resident memory; {@code train} times forward and forward+backward of the HF causal-LM loss on one
 * sequence of 128 tokens.
 */
final class Gpt2Bench {
    private static final int T = 128;

    private Gpt2Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        switch (args[0]) {
            case "write": write(dir); break;
            case "load": load(dir, threads); break;
            case "train": train(dir, threads, iterations); break;
            default: throw new IllegalArgumentException("mode must be write, load or train, got " + args[0]);
        }
    }

    private static void write(Path dir) throws Exception {
        Files.createDirectories(dir);
        Map<String, HostTensor> w = Gpt2Small.weights(0);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), w);
        Files.writeString(dir.resolve("config.json"), Gpt2Small.configJson());
        long params = w.values().stream().mapToLong(t -> t.data().length).sum();
        System.out.printf("wrote %s: %d parameters, %.1f MB%n", dir, params, Files.size(dir.resolve("model.safetensors")) / 1e6);
    }

    private static void load(Path dir, int threads) {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
        long start = System.nanoTime();
        LanguageModel model = LanguageModel.load(dir, new CpuBackend(threads));
        long ms = (System.nanoTime() - start) / 1_000_000;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peakHeap += pool.getPeakUsage().getUsed();
        }
        System.gc();
        long liveHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("load %s: %d ms, %d tensors; peak heap during load %.0f MB, live heap after %.0f MB, process %s%n",
                dir, ms, model.parameters().size(), peakHeap / 1e6, liveHeap / 1e6, residentMemory());
    }

    private static void train(Path dir, int threads, int iterations) {
        LanguageModel model = LanguageModel.load(dir, new CpuBackend(threads));
        SplittableRandom random = new SplittableRandom(1);
        int[][] ids = {new int[T]};
        for (int t = 0; t < T; t++) ids[0][t] = random.nextInt(Gpt2Small.VOCAB);
        // wall time, and process CPU time (all threads, JIT and GC included), which shared machines distort less
        List<Long> forward = new ArrayList<>(), total = new ArrayList<>(), cpu = new ArrayList<>();
        for (int it = 0; it < iterations + 2; it++) {
            model.parameters().values().forEach(Tensor::zeroGrad);
            long c0 = processCpuNanos(), t0 = System.nanoTime();
            Tensor loss = model.lmLoss(ids, null, null);
            long t1 = System.nanoTime();
            loss.backward();
            long t2 = System.nanoTime(), c2 = processCpuNanos();
            if (it >= 2) {
                forward.add((t1 - t0) / 1_000_000);
                total.add((t2 - t0) / 1_000_000);
                cpu.add((c2 - c0) / 1_000_000);
            }
        }
        System.out.printf("reveal cpu threads=%d T=%d: forward %d ms, forward+backward %d ms (median of %d, min %d; all: %s),"
                + " process CPU time per forward+backward %d ms (min %d); %s%n", threads, T, median(forward), median(total), iterations,
                Collections.min(total), total, median(cpu), Collections.min(cpu), residentMemory());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v[v.length / 2];
    }

    /** Peak and current resident set size from /proc (Linux), or "" elsewhere. */
    private static String residentMemory() {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            StringBuilder sb = new StringBuilder();
            for (String line : status.split("\n")) if (line.startsWith("VmHWM") || line.startsWith("VmRSS")) sb.append(line.replaceAll("\\s+", " ")).append("; ");
            return sb.toString();
        } catch (Exception e) {
            return "";
        }
    }
}
