package reveal.eval.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.model.fixtures.Golden.K_FLOAT32;
import static reveal.model.fixtures.Golden.assertClose;
import static reveal.model.fixtures.Golden.maxAbs;
import static reveal.model.fixtures.Golden.realRows;

import java.util.Map;
import java.util.TreeSet;
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
            assertClose(dir + " opencl token_loss vs golden", tokenLoss, tokenLosses(clAll, ids, mask), K_FLOAT32);
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

    /** Cross-entropy of predicting ids[b][t+1] from logits[b][t] ([B*T, V] row-major); 0 where the target is padding. */
    static double[] tokenLosses(double[] logits, int[][] ids, int[][] mask) {
        int batch = ids.length, length = ids[0].length, vocab = logits.length / (batch * length);
        double[] out = new double[batch * (length - 1)];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t + 1 < length; t++) {
                if (mask[b][t + 1] == 0) continue;
                int row = (b * length + t) * vocab;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int v = 0; v < vocab; v++) max = Math.max(max, logits[row + v]);
                for (int v = 0; v < vocab; v++) sum += Math.exp(logits[row + v] - max);
                out[b * (length - 1) + t] = Math.log(sum) + max - logits[row + ids[b][t + 1]];
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void checkGradients(String dir, Map<String, Object> golden, LanguageModel cl, LanguageModel cpu) {
        Map<String, Object> grads = (Map<String, Object>) golden.get("grads");
        assertEquals(new TreeSet<>(grads.keySet()), new TreeSet<>(cl.parameters().keySet()), dir + " parameter names");
        double largest = 0;
        for (Object g : grads.values()) largest = Math.max(largest, maxAbs(Json.doubles(((Map<String, Object>) g).get("top8"))));
        for (Map.Entry<String, Object> e : grads.entrySet()) {
            String what = dir + " grad " + e.getKey();
            Map<String, Object> g = (Map<String, Object>) e.getValue();
            double[] actual = cl.parameters().get(e.getKey()).grad().toDoubleArray();
            double[] onCpu = cpu.parameters().get(e.getKey()).grad().toDoubleArray();
            double[] top8 = Json.doubles(g.get("top8"));
            double expectedL2 = Golden.number(g, "l2");
            // A gradient that is zero in exact arithmetic (OPT's k_proj.bias: it shifts all scores of a row alike)
            // holds float64 round-off in the golden: judge it at the scale of the largest gradient instead.
            boolean exactZero = expectedL2 < 1e-12 * largest;
            double scale = exactZero ? largest : maxAbs(top8);
            assertClose(what + " opencl vs cpu", onCpu, actual, K_FLOAT32, scale);
            assertClose(what + " l2", new double[] {exactZero ? 0 : expectedL2}, new double[] {l2(actual)},
                    K_FLOAT32, exactZero ? largest : expectedL2);
            if (exactZero) continue;
            double[] first8 = Json.doubles(g.get("first8"));
            int[] top8Index = Json.ints(g.get("top8_index"));
            double[] actualFirst = new double[first8.length], actualTop = new double[top8.length];
            for (int i = 0; i < first8.length; i++) actualFirst[i] = actual[i];
            for (int i = 0; i < top8.length; i++) actualTop[i] = actual[top8Index[i]];
            assertClose(what + " first8", first8, actualFirst, K_FLOAT32, scale);
            assertClose(what + " top8", top8, actualTop, K_FLOAT32, scale);
        }
    }

    private static double l2(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
