package reveal.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import reveal.engine.Backend;
import reveal.engine.Tensor;
import reveal.engine.reference.ReferenceBackend;

/** Shared by the tests: the device under test (tests skip without one), float inputs, float32 comparisons. */
final class OpenCl {
    static final Backend REF = ReferenceBackend.INSTANCE;

    private OpenCl() {
    }

    /** The default device's backend; one per JVM, so each program is built once. Skips the test without OpenCL. */
    static OpenClBackend backend() {
        Assumptions.assumeTrue(OpenClDevices.available(), () -> "no OpenCL device: " + OpenClDevices.problem());
        return OpenClBackend.on(OpenClDevices.defaultDevice());
    }

    /** Uniform floats in [lo, hi): exactly representable, so both backends see the same inputs. */
    static float[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    static float[] normal(long seed, int n, double std) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * std);
        return x;
    }

    /** The same floats as a reference tensor and a tensor on b. */
    static Tensor[] pair(Backend b, float[] data, int... shape) {
        return new Tensor[] {Tensor.of(REF, data, shape), Tensor.of(b, data, shape)};
    }

    /**
     * got (float32) against the reference rounded to float: NaN where it is NaN, the same infinity where it
     * overflows, else within {@code atol + rtol * |ref|}.
     */
    static void assertClose(String what, double[] ref, double[] got, double rtol, double atol) {
        assertEquals(ref.length, got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            double r = (float) ref[i], g = got[i];
            boolean ok = Double.isNaN(r) ? Double.isNaN(g) : Double.isInfinite(r) ? g == r : Math.abs(g - r) <= atol + rtol * Math.abs(r);
            if (!ok) fail(what + ": element " + i + " of " + ref.length + " is " + g + ", reference " + ref[i] + " (difference " + Math.abs(g - r) + ")");
        }
    }

    static void assertClose(String what, Tensor ref, Tensor got, double rtol, double atol) {
        assertEquals(java.util.Arrays.toString(ref.shape()), java.util.Arrays.toString(got.shape()), what + ": shape");
        assertClose(what, ref.toDoubleArray(), got.toDoubleArray(), rtol, atol);
    }
}
