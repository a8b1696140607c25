package reveal.attribution.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;

/**
 * Integrated gradients in float64 on the fixtures' tiny models against a naive oracle written here the way the
 * paper's code works: one full-sequence forward and backward per path point, batch 1, the replacement spliced in
 * by an FFN hook. The batched paths (cached last token, and full sequence) must agree with it to rounding.
 */
class IntegratedGradientsTest {
    /** Float64 sums in another order: differences of a few ulps of the largest value. */
    private static final double EXACT = 1e-12;

    static Stream<Arguments> entriesAndSettings() {
        List<Arguments> cases = new ArrayList<>();
        for (String entry : Fixture.F32_ENTRIES) {
            cases.add(Arguments.of(entry, FfnPoint.POST, Quadrature.RIGHT));
            cases.add(Arguments.of(entry, FfnPoint.PRE, Quadrature.PAPER));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("entriesAndSettings")
    void batchedPathsEqualThePerAlphaFullSequenceOracle(String entry, FfnPoint point, Quadrature quadrature) {
        Fixture f = Fixture.load(entry);
        LanguageModel model = f.model(ReferenceBackend.INSTANCE);
        int[] ids = f.igIds();
        IgOptions options = new IgOptions(4, quadrature, point, IgOptions.PREDICTED, IgOptions.LAST);
        NeuronIg cached = NeuronAttributor.integratedGradients(model, ids, options, false);
        NeuronIg full = NeuronAttributor.integratedGradients(model, ids, options, true);
        PerAlphaOracle oracle = PerAlphaOracle.run(model, ids, ids.length - 1, cached.target(), 4, quadrature, point);

        assertEquals(oracle.predicted(), cached.predicted(), "the prediction of the unmodified model");
        assertEquals(oracle.predicted(), cached.target(), "the default target is the prediction");
        assertMatrixEquals(oracle.attributions(), cached.attributions(), "cached");
        assertMatrixEquals(oracle.attributions(), full.attributions(), "full sequence");
        assertArrayEquals(oracle.baseline(), cached.baselineProbability(), EXACT, "F(0) per layer");
        assertEquals(oracle.probability(), cached.probability(), EXACT, "F(a)");
    }

    @Test
    void anEarlierLmPositionCutsTheSequenceAfterIt() {
        LanguageModel model = Fixture.load("llama").model(ReferenceBackend.INSTANCE);
        int[] ids = Fixture.load("llama").igIds();
        int position = 4;
        NeuronIg ig = NeuronAttributor.integratedGradients(model, ids, new IgOptions(3, Quadrature.RIGHT, FfnPoint.POST, 17, position));
        PerAlphaOracle oracle = PerAlphaOracle.run(model, ids, position, 17, 3, Quadrature.RIGHT, FfnPoint.POST);
        assertEquals(position, ig.position());
        assertMatrixEquals(oracle.attributions(), ig.attributions(), "LM at position " + position);
    }

    @Test
    void anEarlierClassifierPositionFallsBackToTheFullSequence() {
        Fixture f = Fixture.load("gpt2_cls");
        LanguageModel model = f.model(ReferenceBackend.INSTANCE);
        int[] ids = f.igIds();
        int position = 3;
        NeuronIg ig = NeuronAttributor.integratedGradients(model, ids, new IgOptions(3, Quadrature.PAPER, FfnPoint.PRE, 2, position));
        PerAlphaOracle oracle = PerAlphaOracle.run(model, ids, position, 2, 3, Quadrature.PAPER, FfnPoint.PRE);
        assertMatrixEquals(oracle.attributions(), ig.attributions(), "classifier at position " + position);
        assertTrue(maxAbs(ig.attributions()) > 1e-6, "an earlier token does move the pooled logits");
    }

    /**
     * A right Riemann sum's completeness gap is c/m + O(1/m^2): at m = 800 it is under 1% of F(a) - F(0), quadrupling
     * m cuts it about fourfold, and Richardson extrapolation of the two (which removes the c/m term) leaves under 0.1%.
     */
    @ParameterizedTest
    @MethodSource("completenessEntries")
    void rightRiemannSumApproachesCompleteness(String entry) {
        Fixture f = Fixture.load(entry);
        LanguageModel model = f.model(ReferenceBackend.INSTANCE);
        int[] ids = f.igIds();
        NeuronIg coarse = NeuronAttributor.integratedGradients(model, ids, IgOptions.DEFAULT);
        double[] gap200 = gap(model, ids, 200), gap800 = gap(model, ids, 800);
        for (int l = 0; l < gap200.length; l++) {
            double change = Math.abs(coarse.probability() - coarse.baselineProbability()[l]);
            double extrapolated = (800 * gap800[l] - 200 * gap200[l]) / 600;
            String where = entry + " layer " + l + ", F(a)-F(0) = " + change + ", gaps " + gap200[l] + " (m=200), " + gap800[l] + " (m=800)";
            assertTrue(Math.abs(gap800[l]) < 1e-2 * change, where);
            assertTrue(Math.abs(gap800[l]) < Math.abs(gap200[l]) / 3.5, where + ": shrinks as 1/m");
            assertTrue(Math.abs(extrapolated) < 1e-3 * change, where + ": extrapolated " + extrapolated);
        }
    }

    static Stream<String> completenessEntries() {
        return Stream.of("llama", "gpt2_cls", "bloom");
    }

    private static double[] gap(LanguageModel model, int[] ids, int steps) {
        return NeuronAttributor.integratedGradients(model, ids, new IgOptions(steps, Quadrature.RIGHT, FfnPoint.POST, IgOptions.PREDICTED, IgOptions.LAST)).completenessGap();
    }

    private static void assertMatrixEquals(double[][] expected, double[][] actual, String what) {
        double atol = EXACT * Math.max(maxAbs(expected), 1e-300);
        for (int l = 0; l < expected.length; l++) assertArrayEquals(expected[l], actual[l], atol, what + ", layer " + l);
    }

    private static double maxAbs(double[][] a) {
        double max = 0;
        for (double[] row : a) for (double v : row) max = Math.max(max, Math.abs(v));
        return max;
    }
}
