package reveal.eval.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Read access to a parsed {@code summary.json} (maps, lists, numbers, strings from {@code Json.parse}): a missing
 * key reads as an absent section, so a report can be rendered from a partial run.
 */
final class Summary {
    private final Object value;

    Summary(Object value) {
        this.value = value;
    }

    /** The child at {@code key}, or an absent node. */
    Summary get(String key) {
        return new Summary(value instanceof Map<?, ?> m ? m.get(key) : null);
    }

    /** The parsed value itself (for booleans). */
    Object raw() {
        return value;
    }

    boolean present() {
        return value != null;
    }

    List<Summary> list() {
        if (!(value instanceof List<?> l)) return List.of();
        return l.stream().map(Summary::new).toList();
    }

    /** Keys of an object node, in file order. */
    List<String> keys() {
        if (!(value instanceof Map<?, ?> m)) return List.of();
        return m.keySet().stream().map(String::valueOf).toList();
    }

    double num() {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    double[] nums() {
        return list().stream().mapToDouble(Summary::num).toArray();
    }

    String str() {
        return value == null ? "" : value instanceof Double d ? Summary.f3(d) : String.valueOf(value);
    }

    List<String> strs() {
        return list().stream().map(Summary::str).toList();
    }

    /** Three decimals, or "n/a" for a missing (NaN) value. */
    static String f3(double v) {
        return Double.isFinite(v) ? noNegativeZero(String.format(Locale.ROOT, "%.3f", v)) : "n/a";
    }

    /** "-0.000" reads as a sign that is not there. */
    private static String noNegativeZero(String s) {
        return s.matches("-0[.,]?0*%?") ? s.substring(1) : s;
    }

    /** One decimal, or "n/a". */
    static String f1(double v) {
        return Double.isFinite(v) ? noNegativeZero(String.format(Locale.ROOT, "%.1f", v)) : "n/a";
    }

    /** A share in [0, 1] as a percentage with one decimal. */
    static String pct(double v) {
        return Double.isFinite(v) ? noNegativeZero(String.format(Locale.ROOT, "%.1f%%", 100 * v)) : "n/a";
    }

    /** mean ± std with three decimals. */
    static String pm(double mean, double std) {
        return f3(mean) + " ± " + f3(std);
    }

    static String seconds(double s) {
        if (!Double.isFinite(s)) return "n/a";
        long r = Math.round(s);
        return r >= 60 ? String.format(Locale.ROOT, "%dm %02ds", r / 60, r % 60) : String.format(Locale.ROOT, "%.1fs", s);
    }
}
