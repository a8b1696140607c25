package reveal.eval.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.model.fixtures.Golden.K_FLOAT32;
import static reveal.model.fixtures.Golden.assertClose;
import static reveal.model.fixtures.Golden.maxAbs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reveal.engine.io.Json;
import reveal.eval.cli.Main;
import reveal.model.fixtures.Golden;

/**
 * {@code ./reveal logits --model DIR --ids ... --device opencl} end to end, on the first fixture row's real tokens:
 * with right padding, the logits of that prefix are the golden ones at those positions (LM) or the row's pooled
 * class logits (classifier). The same command with {@code --device cpu} must agree.
 */
class CliLogitsParityTest {

    static Stream<String> entries() {
        return LogitsParityTest.entries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void logitsCommandOnOpenClMatchesGoldenAndCpu(String dir) {
        OpenCl.orSkip();
        Map<String, Object> golden = Golden.golden(dir);
        int[] row = Golden.ints2d(golden.get("input_ids"))[0], mask = Golden.ints2d(golden.get("attention_mask"))[0];
        int real = Arrays.stream(mask).sum();
        String ids = Arrays.stream(row, 0, real).mapToObj(Integer::toString).collect(Collectors.joining(","));
        List<?> goldenRows = (List<?>) golden.get("logits");
        double[] allGolden = Json.flatten(goldenRows);
        double[] expected = Json.flatten(goldenRows.get(0));
        if (golden.get("head").equals("lm")) expected = Arrays.copyOf(expected, expected.length / row.length * real);
        double scale = maxAbs(allGolden);

        double[] onCl = logits(dir, ids, "opencl"), onCpu = logits(dir, ids, "cpu");
        assertClose(dir + " `logits --device opencl` vs golden row 0", expected, onCl, K_FLOAT32, scale);
        assertClose(dir + " `logits --device opencl` vs `--device cpu`", onCpu, onCl, K_FLOAT32, scale);
    }

    /** Runs the command in this JVM (so the OpenCL programs are reused) and reads its JSON from stdout. */
    private static double[] logits(String dir, String ids, String device) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream(), errors = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"logits", "--model", Golden.folder(dir).toString(), "--ids", ids, "--device", device},
                new PrintStream(captured, true, StandardCharsets.UTF_8), new PrintStream(errors, true, StandardCharsets.UTF_8));
        assertEquals(0, code, "logits --device " + device + " failed: " + errors.toString(StandardCharsets.UTF_8));
        Map<String, Object> out = Json.parseObject(captured.toString(StandardCharsets.UTF_8));
        return Json.flatten(out.get("logits"));
    }
}
