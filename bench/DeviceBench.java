import static reveal.model.bench.Gpt2Small.FFN;
import static reveal.model.bench.Gpt2Small.HEADS;
import static reveal.model.bench.Gpt2Small.HIDDEN;
import static reveal.model.bench.Gpt2Small.LAYERS;
import static reveal.model.bench.Gpt2Small.VOCAB;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.bench.TransformerBlock;
import reveal.engine.io.Json;
import reveal.model.LanguageModel;
import reveal.model.bench.Gpt2Small;
import reveal.opencl.Devices;
import reveal.opencl.OpenClBench;

/**
 * The same work on several backends, interleaved round by round so that a noisy machine slows them alike; the
 * ratios of one run are the figures to quote (see docs/benchmarks.md). Not a test. Each line printed is JSON.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "eval/target/reveal.jar:eval/target/lib/*" bench/DeviceBench.java \
 *      MODE SPECS [ROUNDS] [ARGS...]
 *   MODE sgemm  ARGS = sizes (default 256 512 1024): best-of-5 GFLOP/s per round (OpenClBench.sgemmGflops)
 *   MODE blocks ARGS = LAYERS TOKENS (default 12 128): forward+backward of GPT-2-small pre-LN blocks, loss = sum
 *                (reveal.engine.bench.TransformerBlock, the work of `reveal bench blocks` and bench/blocks_torch.py)
 *   MODE gpt2   ARGS = TOKENS (default 128): forward+backward of the HF causal-LM loss of a GPT-2-small-shaped model
 *                (12 x 768, 50257 tokens, tied head, 124M random N(0, 0.02) weights; the work of bench/gpt2_torch.py)
 *   SPECS  comma-separated device specs (reveal.opencl.Devices), e.g. cpu:2,opencl
 *   ROUNDS timed rounds after one warm-up round (default 5)
 * </pre>
 */
public final class DeviceBench {

    public static void main(String[] args) {
        if (args.length < 2) throw new IllegalArgumentException("usage: DeviceBench sgemm|blocks|gpt2 SPECS [ROUNDS] [ARGS...]");
        String mode = args[0];
        List<String> specs = List.of(args[1].split(","));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int[] rest = Arrays.stream(args, Math.min(3, args.length), args.length).mapToInt(Integer::parseInt).toArray();
        List<Backend> backends = specs.stream().map(Devices::backend).toList();
        switch (mode) {
            case "sgemm" -> sgemm(specs, backends, rounds, rest.length > 0 ? rest : new int[] {256, 512, 1024});
            case "blocks" -> timed(mode + " " + (rest.length > 0 ? rest[0] : LAYERS) + "x" + (rest.length > 1 ? rest[1] : 128), specs, rounds,
                    backends.stream().map(b -> blocksStep(b, rest.length > 0 ? rest[0] : LAYERS, rest.length > 1 ? rest[1] : 128)).toList());
            case "gpt2" -> timed(mode + " T=" + (rest.length > 0 ? rest[0] : 128), specs, rounds,
                    backends.stream().map(b -> gpt2Step(b, rest.length > 0 ? rest[0] : 128)).toList());
            default -> throw new IllegalArgumentException("unknown mode '" + mode + "' (sgemm, blocks, gpt2)");
        }
    }

    private static void sgemm(List<String> specs, List<Backend> backends, int rounds, int[] sizes) {
        for (int size : sizes) {
            for (int round = 0; round < rounds; round++) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("op", "sgemm");
                line.put("size", size);
                line.put("round", round);
                for (int i = 0; i < specs.size(); i++) line.put(specs.get(i) + "_gflops", round1(OpenClBench.sgemmGflops(backends.get(i), size)));
                print(line);
            }
        }
    }

    /** One warm-up round, then {@code rounds} rounds that each time every backend's step once, in turn. */
    private static void timed(String what, List<String> specs, int rounds, List<Runnable> steps) {
        for (Runnable step : steps) step.run();
        for (int round = 0; round < rounds; round++) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("op", what);
            line.put("round", round);
            for (int i = 0; i < steps.size(); i++) {
                long start = System.nanoTime();
                steps.get(i).run();
                line.put(specs.get(i) + "_ms", round1((System.nanoTime() - start) / 1e6));
            }
            print(line);
        }
    }

    private static Runnable blocksStep(Backend b, int layers, int tokens) {
        List<List<Tensor>> weights = new ArrayList<>();
        for (int l = 0; l < layers; l++) weights.add(TransformerBlock.randomParameters(b, HIDDEN, FFN, 0.02, l));
        Tensor x = Tensor.randn(b, -1, 1.0, tokens, HIDDEN);
        Tensor mask = TransformerBlock.causalMask(b, tokens);
        return () -> {
            for (List<Tensor> ps : weights) for (Tensor p : ps) p.zeroGrad();
            Tensor h = x;
            for (List<Tensor> ps : weights) h = TransformerBlock.forward(h, ps, HEADS, mask);
            h.sum().backward();
            finish(weights.get(0).get(0));
        };
    }

    private static Runnable gpt2Step(Backend b, int tokens) {
        LanguageModel model = LanguageModel.fromCheckpoint(Gpt2Small.config(), Gpt2Small.weights(0), b);
        SplittableRandom random = new SplittableRandom(1);
        int[][] ids = {random.ints(tokens, 0, VOCAB).toArray()};
        Tensor wte = model.parameters().get("transformer.wte.weight");
        return () -> {
            model.parameters().values().forEach(Tensor::zeroGrad);
            model.lmLoss(ids, null, null).backward();
            finish(wte);
        };
    }

    /** Reads one gradient value: the download waits for every kernel queued before it (in-order device queue). */
    private static void finish(Tensor param) {
        param.grad().reshape(-1).slice(0, 0, 1).item();
    }

    private static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }

    private static void print(Map<String, Object> line) {
        System.out.println(Json.write(line));
    }
}
