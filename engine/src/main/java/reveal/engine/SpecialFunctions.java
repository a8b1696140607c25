package reveal.engine;

/** Special functions to double precision, shared by every backend's scalar paths. */
public final class SpecialFunctions {
    public static final double INV_SQRT2 = 0.7071067811865476;
    public static final double SQRT_2_OVER_PI = 0.7978845608028654;
    static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private SpecialFunctions() {
    }

    /**
     * The error function to about 1e-15: Maclaurin series below |x| = 3 (at most a few digits of cancellation),
     * Lentz's continued fraction for erfc above.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < 3.0) {
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        if (ax > 6.5) return Math.signum(x);
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
        double tiny = 1e-300;
        double f = ax, c = ax, d = 0;
        for (int n = 1; n < 500; n++) {
            double an = n * 0.5;
            d = ax + an * d;
            d = d == 0 ? tiny : d;
            c = ax + an / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.signum(x) * (1 - erfc);
    }
}
