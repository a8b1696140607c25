package reveal.eval.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.model.fixtures.Golden.K_FLOAT32;
import static reveal.model.fixtures.Golden.assertClose;
import static reveal.model.fixtures.Golden.maxAbs;
import static reveal.model.fixtures.Golden.realRows;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.Autograd;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.model.LanguageModel;
import reveal.model.fixtures.Golden;

/**
 * Every fixture entry (LM and classifier; F32, F16 and BF16 weights) on the OpenCL backend against the float64
 * goldens and against the Java CPU backend: logits at real positions, per-token and mean LM losses or the class
 * loss, and, where the fixture has them, the gradient of the loss for every parameter (l2, first8, top8 against
 * the goldens; the whole tensor against the CPU).
 */
class LogitsParityTest {

    static Stream<String> entries() {
        return Golden.manifest().stream().map(e -> (String) e.get("dir"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void openclMatchesGoldensAndCpu(String dir) {
        Backend opencl = OpenCl.orSkip();
        Map<String, Object> golden = Golden.golden(dir);
        LanguageModel cl = LanguageModel.load(Golden.folder(dir), opencl);
        LanguageModel cpu = LanguageModel.load(Golden.folder(dir), Golden.CPU);
        int[][] ids = Golden.ints2d(golden.get("input_ids")), mask = Golden.ints2d(golden.get("attention_mask"));
        boolean lm = golden.get("head").equals("lm");

        double[] expected = Json.flatten(golden.get("logits"));
        double scale = maxAbs(expected);
        double[] clAll, cpuAll;
        try (Autograd.Scope s = Autograd.noGrad()) {
            clAll = (lm ? cl.lmLogits(ids, mask, null) : cl.classLogits(ids, mask, null)).toDoubleArray();
            cpuAll = (lm ? cpu.lmLogits(ids, mask, null) : cpu.classLogits(ids, mask, null)).toDoubleArray();
        }
        double[] clLogits = clAll, cpuLogits = cpuAll;
        if (lm) {
            int vocab = cl.config().vocabSize();
            expected = realRows(expected, mask, vocab);
            clLogits = realRows(clAll, mask, vocab);
            cpuLogits = realRows(cpuAll, mask, vocab);
        }
        assertClose(dir + " opencl logits vs golden", expected, clLogits, K_FLOAT32, scale);
        assertClose(dir + " opencl logits vs cpu", cpuLogits, clLogits, K_FLOAT32, scale);

        Tensor clLoss, cpuLoss;
        double expectedLoss;
        if (lm) {
            double[] tokenLoss = Json.flatten(golden.get("token_loss"));
            assertClose(dir + " opencl token_loss vs golden", tokenLoss, Golden.tokenLosses(clAll, ids, mask), K_FLOAT32);
            clLoss = cl.lmLoss(ids, mask, null);
            cpuLoss = cpu.lmLoss(ids, mask, null);
            expectedLoss = Golden.number(golden, "mean_loss");
        } else {
            int[] labels = Json.ints(golden.get("labels"));
            assertArrayEquals(Json.ints(golden.get("last_index")), cl.poolingIndex(ids, mask), dir + " pooled positions");
            clLoss = cl.classLoss(ids, mask, labels, null);
            cpuLoss = cpu.classLoss(ids, mask, labels, null);
            expectedLoss = Golden.number(golden, "loss");
        }
        double lossTol = K_FLOAT32 * Math.abs(expectedLoss);
        assertEquals(expectedLoss, clLoss.item(), lossTol, dir + " opencl loss vs golden");
        assertEquals(cpuLoss.item(), clLoss.item(), lossTol, dir + " opencl loss vs cpu");

        if (golden.containsKey("grads")) {
            clLoss.backward();
            cpuLoss.backward();
            checkGradients(dir, golden, cl, cpu);
        }
    }

    /** The OpenCL gradients against the goldens, and every parameter's whole gradient against the CPU backend's. */
    private static void checkGradients(String dir, Map<String, Object> golden, LanguageModel cl, LanguageModel cpu) {
        Golden.assertGradients(dir + " opencl", golden, cl, K_FLOAT32);
        for (Map.Entry<String, Tensor> e : cl.parameters().entrySet()) {
            assertClose(dir + " grad " + e.getKey() + " opencl vs cpu", cpu.parameters().get(e.getKey()).grad().toDoubleArray(),
                    e.getValue().grad().toDoubleArray(), K_FLOAT32, Golden.gradientScale(golden, e.getKey()));
        }
    }
}
