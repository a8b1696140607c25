package reveal.attribution.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.attribution.store.RowMatrix;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.reference.ReferenceBackend;

/** The autograd path of head-only IA against the closed forms of paper-method 4.1. */
class ClosedFormTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;
    private final RandomHead head = new RandomHead(4, 6, 10, 7);

    private Derivatives derivatives(Backend b) {
        ParameterSubset params = ParameterSubset.select(head.parameters(b), ParameterSelector.classificationHead());
        return new Derivatives(new HeadOnlyLoss(params.tensors().get(0), head.hidden, head.labels), params);
    }

    @Test
    void perExampleGradientIsPMinusOneHotTimesHidden() {
        Derivatives d = derivatives(REF);
        for (int i = 0; i < head.n; i++) assertClose(head.gradient(i), d.gradient(i).toDoubleArray(), 1e-13, "gradient of " + i);
    }

    @Test
    void batchGradientIsTheMeanOfPerExampleGradients() {
        Derivatives d = derivatives(REF);
        double[] mean = new double[head.classes * head.width];
        int[] batch = {1, 4, 7};
        for (int i : batch) {
            double[] g = head.gradient(i);
            for (int k = 0; k < g.length; k++) mean[k] += g[k] / batch.length;
        }
        assertClose(mean, d.gradient(batch).toDoubleArray(), 1e-13, "batch gradient");
    }

    @Test
    void doubleBackwardHvpMatchesTheClosedForm() {
        Derivatives d = derivatives(REF);
        double[] v = new RandomHead(4, 6, 1, 99).w;
        for (int[] batch : new int[][] {{3}, {0, 2, 5, 9}, IntStream.range(0, head.n).toArray()}) {
            double[] hv = d.hessianVectorProduct(batch, Tensor.of(REF, v, v.length)).toDoubleArray();
            assertClose(head.hvp(batch, v), hv, 1e-13, "HVP over " + batch.length);
        }
    }

    @Test
    void float32BackendAgreesWithTheClosedForms() {
        Derivatives d = derivatives(new CpuBackend(1));
        double[] v = new RandomHead(4, 6, 1, 5).w;
        assertClose(head.gradient(2), d.gradient(2).toDoubleArray(), 1e-5, "float32 gradient");
        int[] batch = {0, 1, 2};
        assertClose(head.hvp(batch, v), d.hessianVectorProduct(batch, Tensor.of(d.parameters().tensors().get(0).backend(), v, v.length)).toDoubleArray(), 1e-5, "float32 HVP");
    }

    @Test
    void gradientSimilarityMatchesTheClosedForm(@TempDir Path dir) {
        ParameterSubset params = ParameterSubset.select(head.parameters(REF), ParameterSelector.classificationHead());
        HeadOnlyLoss loss = new HeadOnlyLoss(params.tensors().get(0), head.hidden, head.labels);
        int[] train = {0, 1, 2, 3, 4, 5, 6}, test = {7, 8, 9};
        Map<InstanceAttribution.Method, Path> out = new InstanceAttribution(params, loss, train, loss, test)
                .run(dir, InstanceAttribution.Options.gradientSimilarity(Map.of("case", "closed form")).quietly());
        double[][] dot = RowMatrix.load(out.get(InstanceAttribution.Method.GRADIENT_DOT)).testMajor();
        double[][] cos = RowMatrix.load(out.get(InstanceAttribution.Method.GRADIENT_COSINE)).testMajor();
        for (int t = 0; t < test.length; t++) {
            double[] pt = head.probabilities(test[t]);
            for (int z = 0; z < train.length; z++) {
                double[] pz = head.probabilities(train[z]);
                double residual = 0;
                for (int c = 0; c < head.classes; c++) {
                    residual += (pz[c] - (c == head.labels[train[z]] ? 1 : 0)) * (pt[c] - (c == head.labels[test[t]] ? 1 : 0));
                }
                double gs = residual * RandomHead.dot(head.hidden[train[z]], head.hidden[test[t]]);
                // Score matrices are float32 on disk.
                assertEquals(gs, dot[t][z], 1e-6 * Math.max(1, Math.abs(gs)), "GS dot t" + t + " z" + z);
                double[] gt = head.gradient(test[t]), gz = head.gradient(train[z]);
                double c = gs / Math.sqrt(RandomHead.dot(gt, gt) * RandomHead.dot(gz, gz));
                assertEquals(c, cos[t][z], 1e-6, "GS cosine t" + t + " z" + z);
            }
        }
    }

    static void assertClose(double[] expected, double[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relTol * Math.max(scale, 1e-300), what + " [" + i + "]");
        }
    }
}
