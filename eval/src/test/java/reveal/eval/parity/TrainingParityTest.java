package reveal.eval.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static reveal.model.fixtures.Golden.K_FLOAT32;
import static reveal.model.fixtures.Golden.assertClose;
import static reveal.model.fixtures.Golden.maxAbs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reveal.engine.Autograd;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.engine.optim.AdamW;
import reveal.engine.optim.Optimizer;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;

/**
 * Training-time numbers on OpenCL against the CPU backend: two AdamW fine-tuning steps of a fixture classifier, and
 * a Hessian-vector product (double backward through the whole model) for the final norm parameters, which is also
 * checked against float64 and against central differences of the gradient.
 */
class TrainingParityTest {
    /** Llama has no biases, so no gradient is zero in exact arithmetic; Adam would blow such round-off up to +-lr. */
    private static final String CLASSIFIER = "llama_cls";
    private static final double LEARNING_RATE = 1e-3, WEIGHT_DECAY = 0.01, CLIP_NORM = 1.0;
    private static final int STEPS = 2;

    /** Losses before each step and after the last, gradient norms before clipping, and the parameters after. */
    private record Run(double[] losses, double[] gradNorms, Map<String, double[]> params) {
    }

    @Test
    void adamWFineTuningStepsMatchCpu() {
        Backend opencl = OpenCl.orSkip();
        Map<String, Object> golden = Golden.golden(CLASSIFIER);
        Map<String, double[]> initial = new LinkedHashMap<>();
        LanguageModel.load(Golden.folder(CLASSIFIER), Golden.CPU).parameters().forEach((n, p) -> initial.put(n, p.toDoubleArray()));
        Run cl = fineTune(opencl, golden), cpu = fineTune(Golden.CPU, golden);

        assertEquals(Golden.number(golden, "loss"), cl.losses[0], K_FLOAT32 * cl.losses[0], "initial loss vs golden");
        for (int i = 0; i <= STEPS; i++) assertEquals(cpu.losses[i], cl.losses[i], K_FLOAT32 * cpu.losses[i], "loss after " + i + " step(s)");
        for (int i = 0; i < STEPS; i++) assertEquals(cpu.gradNorms[i], cl.gradNorms[i], K_FLOAT32 * cpu.gradNorms[i], "gradient norm at step " + i);
        assertTrue(cl.losses[STEPS] < cl.losses[0], () -> "fine-tuning on one batch should lower its loss: " + Json.write(cl.losses));
        for (String name : initial.keySet()) {
            double[] before = initial.get(name), after = cpu.params.get(name);
            double scale = maxAbs(before), atol = K_FLOAT32 * scale;
            assertClose(CLASSIFIER + " " + name + " after " + STEPS + " AdamW steps, opencl vs cpu", after, cl.params.get(name), K_FLOAT32, scale);
            double moved = 0;
            for (int i = 0; i < before.length; i++) moved = Math.max(moved, Math.abs(after[i] - before[i]));
            // Each step moves a weight by about lr (Adam normalises the gradient): far beyond the tolerance, so a
            // backend that skipped or mis-scaled an update would fail above.
            assertTrue(moved > 50 * atol, name + " moved only " + moved + " (tolerance " + atol + ")");
        }
    }

    private static Run fineTune(Backend backend, Map<String, Object> golden) {
        LanguageModel model = LanguageModel.load(Golden.folder(CLASSIFIER), backend);
        int[][] ids = Golden.ints2d(golden.get("input_ids")), mask = Golden.ints2d(golden.get("attention_mask"));
        int[] labels = Json.ints(golden.get("labels"));
        List<Tensor> params = new ArrayList<>(model.parameters().values());
        AdamW optimizer = new AdamW(params, 0.9, 0.999, 1e-8, WEIGHT_DECAY);
        double[] losses = new double[STEPS + 1], norms = new double[STEPS];
        for (int step = 0; step < STEPS; step++) {
            optimizer.zeroGrad();
            Tensor loss = model.classLoss(ids, mask, labels, null);
            losses[step] = loss.item();
            loss.backward();
            norms[step] = Optimizer.clipGradNorm(params, CLIP_NORM);
            optimizer.step(LEARNING_RATE);
        }
        try (Autograd.Scope s = Autograd.noGrad()) {
            losses[STEPS] = model.classLoss(ids, mask, labels, null).item();
        }
        Map<String, double[]> after = new LinkedHashMap<>();
        model.parameters().forEach((n, p) -> after.put(n, p.toDoubleArray()));
        return new Run(losses, norms, after);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
        "llama_cls; model.norm.weight",
        "gpt2; transformer.ln_f.weight transformer.ln_f.bias",
        "opt_postln_proj_cls; model.decoder.layers.1.final_layer_norm.weight"})
    void hessianVectorProductMatchesCpuAndFloat64(String dir, String names) {
        Backend opencl = OpenCl.orSkip();
        List<String> subset = List.of(names.split(" "));
        double[] onCl = hessianVector(dir, subset, opencl);
        double[] onCpu = hessianVector(dir, subset, Golden.CPU);
        double[] exact = hessianVector(dir, subset, ReferenceBackend.INSTANCE);
        double scale = maxAbs(exact);
        assertClose(dir + " H v opencl vs cpu", onCpu, onCl, K_FLOAT32, scale);
        assertClose(dir + " H v opencl vs float64", exact, onCl, K_FLOAT32, scale);

        // The float64 H v itself, against (g(w + h v) - g(w - h v)) / 2h: the second derivative is the model's.
        double h = 1e-4;
        double[] plus = gradient(dir, subset, h), minus = gradient(dir, subset, -h), difference = new double[exact.length];
        for (int i = 0; i < exact.length; i++) difference[i] = (plus[i] - minus[i]) / (2 * h);
        assertClose(dir + " float64 H v vs central differences", difference, exact, 1e-6, scale);
        assertTrue(maxAbs(exact) > 1e-5, () -> dir + ": H v is negligible (" + maxAbs(exact) + "), the check would be vacuous");
    }

    /** H v for the loss of the fixture batch w.r.t. the parameters named, v = {@link #direction}. */
    private static double[] hessianVector(String dir, List<String> names, Backend backend) {
        Map<String, Object> golden = Golden.golden(dir);
        LanguageModel model = LanguageModel.load(Golden.folder(dir), backend);
        List<Tensor> w = names.stream().map(n -> model.parameters().get(n)).toList();
        Tensor[] g = Autograd.grad(loss(model, golden), w, true);
        Tensor gv = null;
        for (int i = 0; i < w.size(); i++) {
            Tensor term = g[i].mul(Tensor.of(backend, direction(i, w.get(i).size()), w.get(i).shape())).sum();
            gv = gv == null ? term : gv.add(term);
        }
        return concat(Autograd.grad(gv, w, false));
    }

    /** The float64 gradient w.r.t. the parameters named, at w + shift * v. */
    private static double[] gradient(String dir, List<String> names, double shift) {
        Backend ref = ReferenceBackend.INSTANCE;
        Map<String, Object> golden = Golden.golden(dir);
        LanguageModel model = LanguageModel.load(Golden.folder(dir), ref);
        List<Tensor> w = names.stream().map(n -> model.parameters().get(n)).toList();
        for (int i = 0; i < w.size(); i++) {
            Tensor p = w.get(i);
            p.assign(p.add(Tensor.of(ref, direction(i, p.size()), p.shape()).mul(shift)));
        }
        return concat(Autograd.grad(loss(model, golden), w, false));
    }

    private static Tensor loss(LanguageModel model, Map<String, Object> golden) {
        int[][] ids = Golden.ints2d(golden.get("input_ids")), mask = Golden.ints2d(golden.get("attention_mask"));
        return golden.get("head").equals("lm") ? model.lmLoss(ids, mask, null)
                : model.classLoss(ids, mask, Json.ints(golden.get("labels")), null);
    }

    /** A fixed direction in [-1, 1), exactly representable in float32 so every backend sees the same vector. */
    private static float[] direction(int part, int size) {
        SplittableRandom random = new SplittableRandom(17 + part);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = (float) (random.nextDouble() * 2 - 1);
        return v;
    }

    private static double[] concat(Tensor[] parts) {
        List<double[]> arrays = new ArrayList<>();
        int n = 0;
        for (Tensor t : parts) {
            arrays.add(t.toDoubleArray());
            n += t.size();
        }
        double[] out = new double[n];
        int at = 0;
        for (double[] a : arrays) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }
}
