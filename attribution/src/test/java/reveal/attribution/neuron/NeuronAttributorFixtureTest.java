package reveal.attribution.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.Backend;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.io.Json;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;

/**
 * The fixtures' integrated gradients (fixtures README 8.6: post-activation neurons, right Riemann sum, the fixture's
 * m, position and target) on every F32 architecture and head, within k * max|golden| per array: k = 1e-5 in float32,
 * 1e-7 in float64 (the goldens carry 8 significant digits).
 */
class NeuronAttributorFixtureTest {
    private static final Backend CPU = new CpuBackend(2);

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String entry : Fixture.F32_ENTRIES) {
            cases.add(Arguments.of(entry, ReferenceBackend.INSTANCE, 1e-7));
            cases.add(Arguments.of(entry, CPU, 1e-5));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesGoldenIntegratedGradients(String entry, Backend backend, double k) {
        Fixture f = Fixture.load(entry);
        int m = f.igInt("m");
        assertEquals("k/m for k=1..m", f.ig().get("alphas"), entry + ": right Riemann sum");
        assertEquals("zeros", f.ig().get("baseline"), entry + ": zero baseline");
        int[] ids = f.igIds();
        assertEquals(ids.length - 1, f.igInt("position"), entry + ": the fixture attributes the last token");

        IgOptions options = new IgOptions(m, Quadrature.RIGHT, FfnPoint.POST, f.igInt("target"), f.igInt("position"));
        LanguageModel model = f.model(backend);
        NeuronIg ig = NeuronAttributor.integratedGradients(model, ids, options);

        assertEquals(f.igInt("target"), ig.target());
        assertClose(entry + " activations", f.igMatrix("activations"), ig.activations(), k);
        assertClose(entry + " attributions", f.igMatrix("attributions"), ig.attributions(), k);
        assertClose(entry + " attributions of the command-line form", f.igMatrix("attributions"),
                NeuronAttributor.attributions(model, ids, f.igInt("target"), m, Quadrature.RIGHT, FfnPoint.POST), k);
        double probFull = ((Number) f.ig().get("prob_full")).doubleValue();
        assertEquals(probFull, ig.probability(), k * Math.abs(probFull), entry + " prob_full");
        double[] probZero = Json.doubles(f.ig().get("prob_zero"));
        assertArrayEquals(probZero, ig.baselineProbability(), k * maxAbs(new double[][] {probZero}), entry + " prob_zero");
    }

    private static void assertClose(String what, double[][] golden, double[][] actual, double k) {
        assertEquals(golden.length, actual.length, what + ": layers");
        double atol = k * maxAbs(golden);
        assertTrue(atol > 0, what + ": golden is all zero");
        for (int l = 0; l < golden.length; l++) assertArrayEquals(golden[l], actual[l], atol, what + " of layer " + l);
    }

    private static double maxAbs(double[][] a) {
        double max = 0;
        for (double[] row : a) for (double v : row) max = Math.max(max, Math.abs(v));
        return max;
    }
}
