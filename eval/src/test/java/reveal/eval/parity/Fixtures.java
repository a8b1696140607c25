package reveal.eval.parity;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import reveal.engine.Backend;
import reveal.engine.io.Json;
import reveal.opencl.Devices;
import reveal.opencl.OpenClDevices;

/**
 * The golden fixtures copied to {@code src/test/resources/parity/fixtures} (or the folder named by
 * {@code -Dreveal.parity.fixtures=DIR}, e.g. a held-out set in the same format), the backends under comparison,
 * and the fixture README's tolerance rule (section 10: atol = k x max|golden|, k = 1e-5 for float32).
 */
final class Fixtures {
    static final double K_FLOAT32 = 1e-5;
    /** The Java backend every OpenCL result is compared with; 2 threads, as on the build machines. */
    static final Backend CPU = Devices.backend("cpu:2");

    private Fixtures() {
    }

    /** The OpenCL backend of the default device, shared by the JVM (each program is built once); skips without one. */
    static Backend opencl() {
        Assumptions.assumeTrue(OpenClDevices.available(), () -> "no OpenCL platform: " + OpenClDevices.problem());
        return Devices.backend("opencl");
    }

    private static String override() {
        String dir = System.getProperty("reveal.parity.fixtures");
        return dir == null || dir.isBlank() ? null : dir;
    }

    static Path root() {
        if (override() != null) return Path.of(override());
        URL url = Fixtures.class.getResource("/parity/fixtures/manifest.json");
        if (url == null) throw new IllegalStateException("missing test resource /parity/fixtures/manifest.json");
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> manifest() {
        return (List<Map<String, Object>>) json(root().resolve("manifest.json")).get("entries");
    }

    /** An entry's folder; a test naming an entry that another fixture set lacks is skipped on that set. */
    static Path folder(String dir) {
        Path folder = root().resolve(dir);
        if (override() != null) Assumptions.assumeTrue(Files.isDirectory(folder), () -> "fixture set " + root() + " has no entry " + dir);
        return folder;
    }

    static Map<String, Object> golden(String dir) {
        return json(folder(dir).resolve("golden.json"));
    }

    private static Map<String, Object> json(Path file) {
        try {
            return Json.parseObject(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file, e);
        }
    }

    static int[][] ints2d(Object nested) {
        List<?> rows = (List<?>) nested;
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) out[i] = Json.ints(rows.get(i));
        return out;
    }

    static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    static double maxAbs(double[] values) {
        double m = 0;
        for (double v : values) m = Math.max(m, Math.abs(v));
        return m;
    }

    /**
     * The rows of a {@code [B*T, width]} row-major array whose attention mask is 1, in order: padded positions hold
     * whatever an implementation computes there, so they are not compared (README section 8.2).
     */
    static double[] realRows(double[] values, int[][] mask, int width) {
        int count = 0;
        for (int[] row : mask) for (int m : row) count += m;
        double[] out = new double[count * width];
        int at = 0, length = mask[0].length;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < length; t++) {
                if (mask[b][t] == 0) continue;
                System.arraycopy(values, (b * length + t) * width, out, at, width);
                at += width;
            }
        }
        return out;
    }

    /** |actual - expected| <= atol element-wise; the failure names the worst element. */
    static void assertClose(String what, double[] expected, double[] actual, double atol) {
        if (expected.length != actual.length) fail(what + ": " + actual.length + " values, expected " + expected.length);
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
            fail(what + ": element " + worst + " of " + expected.length + " is " + actual[worst] + ", expected " + expected[worst]
                    + " (error " + worstErr + " > atol " + atol + ")");
        }
    }
}
