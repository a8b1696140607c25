package reveal.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/** Random test inputs, the same views of them on any backend, and float32-aware comparisons. */
public final class Inputs {
    /** The sizes along the axis a kernel loops over: single element, below one vector, odd tails, large. */
    public static final int[] AWKWARD = {1, 7, 33, 255, 1023};

    private Inputs() {
    }

    /** Normal(0, std) values rounded to float32, so a float32 backend starts from exactly the reference's inputs. */
    public static double[] floats(long seed, double std, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = (float) (r.nextGaussian() * std);
        return d;
    }

    /** {@link #floats} mapped through {@code domain} (then rounded to float32 again). */
    public static double[] floats(long seed, double std, int n, DoubleUnaryOperator domain) {
        double[] d = floats(seed, std, n);
        for (int i = 0; i < n; i++) d[i] = (float) domain.applyAsDouble(d[i]);
        return d;
    }

    public static Tensor tensor(Backend b, long seed, double std, int... shape) {
        return Tensor.of(b, floats(seed, std, Layout.sizeOf(shape)), shape);
    }

    /** Ways to lay out the same values; each builds its view from a dense tensor on that tensor's backend. */
    public enum View {
        /** Dense row-major. */
        DENSE,
        /** Stored with the axes reversed and permuted back: every stride differs from the dense ones. */
        PERMUTED,
        /** A slice out of the middle of a larger tensor along the last axis: dense rows at a row stride and offset. */
        SLICED,
        /** Rows after the first of a larger tensor: dense, but not at the start of its storage. */
        OFFSET;

        public Tensor of(Tensor dense) {
            int r = dense.rank();
            switch (this) {
                case DENSE:
                    return dense;
                case PERMUTED: {
                    int[] reversed = new int[r];
                    for (int i = 0; i < r; i++) reversed[i] = r - 1 - i;
                    return dense.permute(reversed).contiguous().detach().permute(reversed);
                }
                case SLICED: {
                    if (r == 0) return dense;
                    int[] padShape = dense.shape();
                    padShape[r - 1] = 3;
                    Tensor pad = Tensor.full(dense.backend(), 99.0, padShape);
                    int n = dense.dim(-1);
                    return Tensor.concat(java.util.List.of(pad, dense, pad), -1).detach().slice(-1, 3, 3 + n);
                }
                case OFFSET: {
                    if (r == 0) return dense;
                    int[] padShape = dense.shape();
                    padShape[0] = 1;
                    return Tensor.concat(java.util.List.of(Tensor.full(dense.backend(), 99.0, padShape), dense), 0).detach().slice(0, 1, 1 + dense.dim(0));
                }
                default:
                    throw new AssertionError(this);
            }
        }
    }

    /**
     * Asserts {@code |got - want| <= tol * max(1, |scale|)} elementwise, where {@code scale} bounds the size of the
     * terms that were summed into each element (pass {@code want} itself for elementwise ops).
     */
    public static void assertClose(double[] want, double[] got, double[] scale, double tol, String what) {
        if (want.length != got.length) fail(what + ": " + got.length + " values, expected " + want.length);
        for (int i = 0; i < want.length; i++) {
            double allowed = tol * Math.max(1.0, Math.abs(scale[i]));
            boolean bothNaN = Double.isNaN(want[i]) && Double.isNaN(got[i]);
            boolean sameInfinity = Double.isInfinite(want[i]) && want[i] == got[i];
            if (!bothNaN && !sameInfinity && !(Math.abs(got[i] - want[i]) <= allowed)) {
                fail(String.format("%s: element %d of %d is %.9g, expected %.9g (tolerance %.3g)", what, i, want.length, got[i], want[i], allowed));
            }
        }
    }

    public static void assertClose(Tensor want, Tensor got, double tol, String what) {
        if (!Arrays.equals(want.shape(), got.shape())) {
            fail(what + ": shape " + Arrays.toString(got.shape()) + ", expected " + Arrays.toString(want.shape()));
        }
        double[] w = want.toDoubleArray();
        assertClose(w, got.toDoubleArray(), w, tol, what);
    }
}
