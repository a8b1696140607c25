package reveal.model.arch;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import reveal.engine.Backend;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.io.Json;
import reveal.engine.reference.ReferenceBackend;

/** Test helpers: the copied golden fixtures (src/test/resources/fixtures) and the README's tolerance rule. */
final class Golden {
    static final Backend CPU = new CpuBackend(2);

    private Golden() {
    }

    /** The fixtures folder on the test classpath. */
    static Path root() {
        return resource("/fixtures/manifest.json").getParent();
    }

    static Path resource(String name) {
        URL url = Golden.class.getResource(name);
        if (url == null) throw new IllegalStateException("missing test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> manifest() {
        return (List<Map<String, Object>>) json(root().resolve("manifest.json")).get("entries");
    }

    static Map<String, Object> json(Path file) {
        try {
            return Json.parseObject(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Backend backend(String name) {
        return name.equals("reference") ? ReferenceBackend.INSTANCE : CPU;
    }

    /** README section 10: k = 1e-7 for float64, 1e-5 for float32, times the largest golden magnitude. */
    static double k(Backend b) {
        return b.isDouble() ? 1e-7 : 1e-5;
    }

    static int[][] ints2d(Object nested) {
        List<?> rows = (List<?>) nested;
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) out[i] = Json.ints(rows.get(i));
        return out;
    }

    static double maxAbs(double[] values) {
        double m = 0;
        for (double v : values) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** |actual - expected| <= k * max|expected| element-wise (scale = max|expected| unless given). */
    static void assertClose(String what, double[] expected, double[] actual, double k) {
        assertClose(what, expected, actual, k, maxAbs(expected));
    }

    static void assertClose(String what, double[] expected, double[] actual, double k, double scale) {
        if (expected.length != actual.length) fail(what + ": " + actual.length + " values, expected " + expected.length);
        double atol = k * scale;
        int worst = -1;
        double worstErr = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= worstErr)) {
                worstErr = err;
                worst = i;
            }
        }
        if (worst >= 0 && !(worstErr <= atol)) {
            fail(what + ": element " + worst + " is " + actual[worst] + ", expected " + expected[worst] + " (error " + worstErr
                    + " > atol " + atol + " = " + k + " x " + scale + ")");
        }
    }
}
