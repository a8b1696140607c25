package reveal.attribution.instance;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How many LiSSA recursions of a run converged ({@link Lissa.Trace#converged}): one recursion per test instance and
 * repeat.
 *
 * @param recursions           recursions counted
 * @param converged            those whose {@code |v|} changed by less than {@code tolerance} (relative) over the last
 *                             10% of their steps, and that did not diverge
 * @param diverged             those stopped because {@code |v|} exceeded the divergence bound (or was not finite)
 * @param maxRelativeChange    the largest {@link Lissa.Trace#relativeChange()} of the recursions that did not
 *                             diverge (NaN if there is none)
 * @param medianRelativeChange their median (NaN if there is none)
 * @param tolerance            the tolerance applied
 */
public record LissaConvergence(int recursions, int converged, int diverged, double maxRelativeChange, double medianRelativeChange,
                               double tolerance) {
    public LissaConvergence {
        if (recursions < 0 || converged < 0 || diverged < 0 || converged + diverged > recursions) {
            throw new IllegalArgumentException("LiSSA convergence: " + converged + " converged and " + diverged + " diverged of " + recursions);
        }
    }

    /** The summary of {@code traces} under {@code tolerance}. */
    public static LissaConvergence of(Collection<Lissa.Trace> traces, double tolerance) {
        int converged = 0, diverged = 0, n = 0;
        double[] changes = new double[traces.size()];
        for (Lissa.Trace t : traces) {
            if (t.converged(tolerance)) converged++;
            if (t.diverged()) {
                diverged++;
            } else {
                double c = t.relativeChange();
                // A recursion without steps or with a non-finite norm has no change to speak of; it is not converged.
                changes[n++] = Double.isNaN(c) ? Double.POSITIVE_INFINITY : c;
            }
        }
        double[] sorted = Arrays.copyOf(changes, n);
        Arrays.sort(sorted);
        double max = n == 0 ? Double.NaN : sorted[n - 1];
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new LissaConvergence(traces.size(), converged, diverged, max, median, tolerance);
    }

    /** Recursions that did not converge, the diverged ones included. */
    public int notConverged() {
        return recursions - converged;
    }

    public boolean allConverged() {
        return converged == recursions;
    }

    /**
     * One sentence on the recursions that did not converge, e.g. "12 of 24 LiSSA recursions did not converge (|v|
     * still changed by up to 3.1% over the last 10% of the steps; tolerance 1%)"; empty when all did.
     */
    public String problem() {
        if (allConverged()) return "";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d of %d LiSSA recursions did not converge (", notConverged(), recursions));
        if (diverged > 0) s.append(diverged).append(" diverged").append(diverged < notConverged() ? "; " : "");
        if (diverged < notConverged()) {
            s.append(String.format(Locale.ROOT, "|v| still changed by up to %s over the last 10%% of the steps", percent(maxRelativeChange)));
        }
        return s.append(String.format(Locale.ROOT, "; tolerance %s)", percent(tolerance))).toString();
    }

    /** As JSON: {@code recursions, converged, diverged, max_relative_change, median_relative_change, tolerance}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recursions", recursions);
        m.put("converged", converged);
        m.put("diverged", diverged);
        m.put("max_relative_change", maxRelativeChange);
        m.put("median_relative_change", medianRelativeChange);
        m.put("tolerance", tolerance);
        return m;
    }

    private static String percent(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.3g%%", 100 * x) : "an unbounded amount";
    }
}
