package reveal.model.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.model.fixtures.Golden.assertClose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.Autograd;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.model.Interventions;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;

/**
 * The KV cache gives the same hidden states as a full forward, and {@link DecoderModel#resume} gives the same last
 * hidden state, and the same gradients, as a full forward with the FFN activation replaced at the last position.
 * Runs on every F32 fixture model (each architecture and residual form), float64 and float32.
 */
class CacheTest {

    static Stream<Arguments> models() {
        return Golden.manifest().stream().filter(e -> e.get("weights_dtype").equals("F32"))
                .flatMap(e -> Stream.of(Arguments.of(e.get("dir"), "reference"), Arguments.of(e.get("dir"), "cpu")));
    }

    static Stream<String> modelDirs() {
        return Golden.manifest().stream().filter(e -> e.get("weights_dtype").equals("F32")).map(e -> (String) e.get("dir"));
    }

    /** Row 1 of the fixture inputs (9 real tokens), unpadded. */
    private static int[] sequence(String dir) {
        int[][] ids = Golden.ints2d(Golden.golden(dir).get("input_ids"));
        return Arrays.copyOf(ids[1], 9);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("models")
    void incrementalDecodingMatchesFullForward(String dir, String backendName) {
        Backend backend = Golden.backend(backendName);
        LanguageModel model = LanguageModel.load(Golden.folder(dir), backend);
        int[] seq = sequence(dir);
        try (Autograd.Scope s = Autograd.noGrad()) {
            double[] full = model.forward(new int[][] {seq}, null, null).toDoubleArray();
            KvCache cache = model.newCache();
            List<Double> pieces = new ArrayList<>();
            int[][] chunks = {Arrays.copyOfRange(seq, 0, 5), {seq[5]}, Arrays.copyOfRange(seq, 6, 8), {seq[8]}};
            for (int[] chunk : chunks) for (double v : model.forward(new int[][] {chunk}, null, null, cache).toDoubleArray()) pieces.add(v);
            assertEquals(seq.length, cache.length());
            assertClose(dir + " cached hidden states", full, pieces.stream().mapToDouble(Double::doubleValue).toArray(), Golden.k(backend));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("models")
    void resumeMatchesFullForwardWithReplacement(String dir, String backendName) {
        Backend backend = Golden.backend(backendName);
        LanguageModel model = LanguageModel.load(Golden.folder(dir), backend);
        int[] seq = sequence(dir);
        int last = seq.length - 1, layers = model.decoder().numLayers(), width = model.decoder().ffnWidth();
        double[] alphas = {0.0, 0.35, 1.0};
        KvCache cache = model.newCache();
        Interventions capture = new Interventions().capture(FfnPoint.PRE).capture(FfnPoint.POST);
        model.forward(new int[][] {seq}, null, capture, cache);
        for (int layer = 0; layer < layers; layer++) {
            for (FfnPoint point : FfnPoint.values()) {
                String what = dir + " layer " + layer + " " + point;
                Tensor act = capture.captured(layer, point).slice(1, last, last + 1).reshape(1, width).detach();
                Tensor scaled = Tensor.of(backend, alphas, alphas.length, 1).mul(act).detach().requireGrad();
                Tensor fast = model.resume(cache, layer, point, scaled);

                int[][] batch = new int[alphas.length][];
                Arrays.fill(batch, seq);
                Tensor replaced = Tensor.of(backend, alphas, alphas.length, 1).mul(act).detach().requireGrad();
                Tensor hidden = model.forward(batch, null, new Interventions().replaceAt(layer, point, last, replaced));
                Tensor slow = hidden.slice(1, last, last + 1).reshape(alphas.length, hidden.dim(-1));
                assertClose(what + " resumed hidden state", slow.toDoubleArray(), fast.toDoubleArray(), Golden.k(backend));

                // the gradient of a scalar of the output with respect to the replacement agrees too
                Tensor probe = Tensor.randn(backend, 7, 1.0, hidden.dim(-1));
                Tensor gFast = Autograd.grad(fast.mul(probe).sum(), List.of(scaled), false)[0];
                Tensor gSlow = Autograd.grad(slow.mul(probe).sum(), List.of(replaced), false)[0];
                assertClose(what + " gradient", gSlow.toDoubleArray(), gFast.toDoubleArray(), Golden.k(backend));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelDirs")
    void capturedActivationsCarryGradients(String dir) {
        LanguageModel model = LanguageModel.load(Golden.folder(dir), Golden.backend("reference"));
        int[][] ids = {sequence(dir)};
        int layer = 0, position = 4, neuron = 3;
        Interventions capture = new Interventions().capture(layer, FfnPoint.POST);
        Tensor out = model.forward(ids, null, capture).sum();
        double analytic = Autograd.grad(out, List.of(capture.captured(layer, FfnPoint.POST)), false)[0].toDoubleArray()[position * model.decoder().ffnWidth() + neuron];
        double eps = 1e-5;
        double numeric = (shifted(model, ids, layer, position, neuron, eps) - shifted(model, ids, layer, position, neuron, -eps)) / (2 * eps);
        assertEquals(numeric, analytic, 1e-6 * Math.max(1, Math.abs(numeric)), dir + " d(sum of hidden)/d(neuron) vs central difference");
    }

    /** Sum of the final hidden states with one FFN neuron shifted by {@code delta}. */
    private static double shifted(LanguageModel model, int[][] ids, int layer, int position, int neuron, double delta) {
        int width = model.decoder().ffnWidth();
        double[] shift = new double[ids[0].length * width];
        shift[position * width + neuron] = delta;
        Tensor d = Tensor.of(model.backend(), shift, 1, ids[0].length, width);
        try (Autograd.Scope s = Autograd.noGrad()) {
            return model.forward(ids, null, new Interventions().replace(layer, FfnPoint.POST, x -> x.add(d))).sum().item();
        }
    }
}
