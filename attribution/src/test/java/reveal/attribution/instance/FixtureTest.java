package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.attribution.store.RowMatrix;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.engine.reference.ReferenceBackend;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;

/**
 * Gradient similarity and LiSSA on real transformer fixtures against the float64 PyTorch reference. Tolerance per
 * fixture README 10: atol = k * max|golden| with k = 1e-7 for float64, 2e-7 where the values went through a
 * float32 score matrix.
 */
class FixtureTest {
    private static final double F64 = 1e-7, VIA_F32 = 2e-7;

    static Stream<String> entries() {
        return Stream.of("gpt2_cls", "opt_cls", "opt_postln_proj_cls", "gpt_neox_cls", "bloom_cls", "llama_cls", "gpt2", "llama");
    }

    /**
     * LiSSA differentiates the final norm only, so its second-order path is norm + head + loss: one entry per kind
     * of final norm and head (LayerNorm, OPT's post-LN with project_out, RMSNorm; class and LM loss). The double
     * backward runs through the whole model (every parameter requires a gradient), which makes these the slow ones.
     */
    static Stream<String> lissaEntries() {
        return Stream.of("gpt2_cls", "opt_postln_proj_cls", "llama_cls", "gpt2", "llama");
    }

    /** A fixture's model with its train and test losses and the golden values of one section. */
    private record Case(LanguageModel model, InstanceLoss train, InstanceLoss test, Map<String, Object> golden) {
        static Case load(String entry, String section) {
            Map<String, Object> all = Golden.golden(entry);
            @SuppressWarnings("unchecked")
            Map<String, Object> gs = (Map<String, Object>) all.get("grad_sim");
            LanguageModel model = LanguageModel.load(Golden.folder(entry), ReferenceBackend.INSTANCE);
            List<int[]> train = tokens(gs.get("train")), test = tokens(gs.get("test"));
            boolean cls = "cls".equals(all.get("head"));
            InstanceLoss tr = cls ? ModelLoss.classification(model, train, Json.ints(gs.get("train_labels"))) : ModelLoss.languageModeling(model, train);
            InstanceLoss te = cls ? ModelLoss.classification(model, test, Json.ints(gs.get("test_labels"))) : ModelLoss.languageModeling(model, test);
            @SuppressWarnings("unchecked")
            Map<String, Object> golden = (Map<String, Object>) all.get(section);
            return new Case(model, tr, te, golden);
        }

        ParameterSubset params() {
            return ParameterSubset.select(model.parameters(), ParameterSelector.named(((List<?>) golden.get("params")).toArray(String[]::new)));
        }

        double[][] matrix(String key) {
            return ((List<?>) golden.get(key)).stream().map(Json::doubles).toArray(double[][]::new);
        }
    }

    private static List<int[]> tokens(Object lists) {
        List<int[]> out = new ArrayList<>();
        for (Object l : (List<?>) lists) out.add(Json.ints(l));
        return out;
    }

    @ParameterizedTest
    @MethodSource("entries")
    void gradientSimilarityMatchesTheReference(String entry, @TempDir Path dir) throws Exception {
        Case c = Case.load(entry, "grad_sim");
        ParameterSubset params = c.params();
        Derivatives train = new Derivatives(c.train, params), test = new Derivatives(c.test, params);
        for (String side : List.of("train", "test")) {
            InstanceLoss loss = side.equals("train") ? c.train : c.test;
            Derivatives d = side.equals("train") ? train : test;
            double[] losses = Json.doubles(c.golden.get("loss_" + side)), norms = Json.doubles(c.golden.get("grad_norm_" + side));
            double[][] first8 = c.matrix("grad_first8_" + side);
            for (int i = 0; i < losses.length; i++) {
                assertEquals(losses[i], loss.loss(new int[] {i}).item(), F64 * Math.abs(losses[i]), entry + " loss_" + side + "[" + i + "]");
                Tensor g = d.gradient(i);
                assertEquals(norms[i], Lissa.norm(g), F64 * norms[i], entry + " grad_norm_" + side + "[" + i + "]");
                assertAllClose(first8[i], java.util.Arrays.copyOf(g.toDoubleArray(), 8), F64, entry + " grad_first8_" + side + "[" + i + "]");
            }
        }
        Map<InstanceAttribution.Method, Path> out = new InstanceAttribution(params, c.train, IntStream.range(0, 8).toArray(), c.test, new int[] {0, 1, 2})
                .run(dir, new InstanceAttribution.Options(EnumSet.of(InstanceAttribution.Method.GRADIENT_DOT, InstanceAttribution.Method.GRADIENT_COSINE),
                        null, InstanceAttribution.Sign.PAPER, Map.of("fixture", entry), true));
        assertAllClose(c.matrix("dot"), RowMatrix.load(out.get(InstanceAttribution.Method.GRADIENT_DOT)).testMajor(), VIA_F32, entry + " dot");
        assertAllClose(c.matrix("cosine"), RowMatrix.load(out.get(InstanceAttribution.Method.GRADIENT_COSINE)).testMajor(), VIA_F32, entry + " cosine");
    }

    @ParameterizedTest
    @MethodSource("lissaEntries")
    void lissaMatchesTheReferenceInBothSignConventions(String entry, @TempDir Path dir) throws Exception {
        Case c = Case.load(entry, "lissa");
        ParameterSubset params = c.params();
        assertEquals(1L, c.golden.get("repeats"));
        LissaConfig cfg = LissaConfig.paper(((Number) c.golden.get("damping")).doubleValue(), 1, ((Number) c.golden.get("scale")).doubleValue(),
                        ((Number) c.golden.get("batch_size")).intValue())
                .withFixedDepth(((Number) c.golden.get("depth")).intValue()).withOrder(LissaConfig.BatchOrder.CYCLIC);
        int[] trainIds = IntStream.range(0, 8).toArray(), testIds = {0, 1, 2};
        InstanceAttribution ia = new InstanceAttribution(params, c.train, trainIds, c.test, testIds);
        InstanceAttribution.Options opts = InstanceAttribution.Options.influence(cfg, Map.of("fixture", entry)).quietly();
        Path paper = ia.run(dir, opts).get(InstanceAttribution.Method.INFLUENCE);
        // The second sign reuses the stored inverse-HVPs: only the training pass runs again.
        Path kohLiang = ia.run(dir, opts.withSign(InstanceAttribution.Sign.KOH_LIANG)).get(InstanceAttribution.Method.INFLUENCE);
        Derivatives test = new Derivatives(c.test, params);
        double[] gradNorms = Json.doubles(c.golden.get("grad_norm_test")), sNorms = Json.doubles(c.golden.get("s_test_norm"));
        double[][] sFirst8 = c.matrix("s_test_first8");
        try (RowMatrix ihvp = RowMatrix.load(dir.resolve(InstanceAttribution.IHVP))) {
            for (int t : testIds) {
                assertEquals(gradNorms[t], Lissa.norm(test.gradient(t)), F64 * gradNorms[t], entry + " grad_norm_test[" + t + "]");
                double[] s = ihvp.read(t);
                assertEquals(sNorms[t], Math.sqrt(RandomHead.dot(s, s)), F64 * sNorms[t], entry + " s_test_norm[" + t + "]");
                assertAllClose(sFirst8[t], java.util.Arrays.copyOf(s, Math.min(8, s.length)), F64, entry + " s_test_first8[" + t + "]");
            }
        }
        assertAllClose(c.matrix("s_test_dot_train"), RowMatrix.load(paper).testMajor(), VIA_F32, entry + " s_test_dot_train");
        assertAllClose(c.matrix("influence"), RowMatrix.load(kohLiang).testMajor(), VIA_F32, entry + " influence");
    }

    private static void assertAllClose(double[] want, double[] got, double k, String what) {
        assertAllClose(new double[][] {want}, new double[][] {got}, k, what);
    }

    private static void assertAllClose(double[][] want, double[][] got, double k, String what) {
        assertEquals(want.length, got.length, what + ": rows");
        double max = 0;
        for (double[] r : want) for (double v : r) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length, what + ": row " + i + " length");
            for (int j = 0; j < want[i].length; j++) assertEquals(want[i][j], got[i][j], k * max, what + "[" + i + "][" + j + "]");
        }
    }
}
