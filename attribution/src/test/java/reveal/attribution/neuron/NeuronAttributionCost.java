package reveal.attribution.neuron;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import reveal.engine.Autograd;
import reveal.engine.Backend;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;

/**
 * Measures the cost of neuron attribution of one instance in units of one ordinary forward pass of it, for the
 * cached batched path, the full-sequence batched fallback and the paper's loop (L x m forward+backward passes of
 * batch 1). Not a test; run with the test classpath:
 * {@code java --add-modules jdk.incubator.vector -cp ... reveal.attribution.neuron.NeuronAttributionCost [modelDir] [cpu|reference]}
 * (default: the embedded stories260K on the CPU backend).
 */
final class NeuronAttributionCost {
    /** BOS and the first 19 tokens of stories260K's greedy story from the prompt "Zoo" ("Zoo was a little girl named Lily. ..."). */
    private static final int[] IDS = {1, 410, 469, 347, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408};

    private NeuronAttributionCost() {
    }

    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : EmbeddedModel.stories260K().resolve("hf_llama_layout");
        Backend backend = args.length > 1 && args[1].equals("reference") ? ReferenceBackend.INSTANCE : new CpuBackend();
        LanguageModel model = LanguageModel.load(dir, backend);
        int layers = model.decoder().numLayers(), steps = 20;
        IgOptions options = new IgOptions(steps, Quadrature.RIGHT, FfnPoint.POST, IgOptions.PREDICTED, IgOptions.LAST);

        double forward = seconds(200, () -> {
            try (Autograd.Scope s = Autograd.noGrad()) {
                return model.lmLogits(new int[][] {IDS}, null, null);
            }
        });
        double forwardBackward = seconds(100, () -> {
            var logits = model.lmLogits(new int[][] {IDS}, null, null);
            return Autograd.grad(logits.sum(), model.parameters().values().stream().limit(1).toList(), false);
        });
        double cached = seconds(10, () -> NeuronAttributor.integratedGradients(model, IDS, options, false));
        double full = seconds(5, () -> NeuronAttributor.integratedGradients(model, IDS, options, true));
        int target = NeuronAttributor.integratedGradients(model, IDS, options).target();
        double paper = seconds(2, () -> PerAlphaOracle.run(model, IDS, IDS.length - 1, target, steps, Quadrature.RIGHT, FfnPoint.POST));

        System.out.printf(Locale.ROOT, "%s on %s, %d tokens, %d layers, m = %d%n", dir, backend.name(), IDS.length, layers, steps);
        System.out.printf(Locale.ROOT, "ordinary forward (no grad): %.3f ms = 1 unit%n", forward * 1e3);
        System.out.printf(Locale.ROOT, "forward + backward:         %.3f ms = %.1f units%n", forwardBackward * 1e3, forwardBackward / forward);
        System.out.printf(Locale.ROOT, "NA, cached last token:      %.3f ms = %.1f units%n", cached * 1e3, cached / forward);
        System.out.printf(Locale.ROOT, "NA, full sequence batched:  %.3f ms = %.1f units%n", full * 1e3, full / forward);
        System.out.printf(Locale.ROOT, "NA, paper's loop (L*m fwd+bwd, batch 1): %.3f ms = %.1f units%n", paper * 1e3, paper / forward);
    }

    /** Fastest wall time of {@code runs} calls after as many warm-up calls (the machine is shared: the minimum is the least disturbed). */
    private static double seconds(int runs, Supplier<Object> work) {
        for (int i = 0; i < runs; i++) work.get();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            work.get();
            t[i] = (System.nanoTime() - start) * 1e-9;
        }
        return Arrays.stream(t).min().getAsDouble();
    }
}
