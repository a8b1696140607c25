package reveal.eval.stats;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tested claim "effect &gt; 0" with the numbers it rests on, so a report never states a difference without saying
 * how sure it is.
 *
 * @param id         short stable key of the claim, for tables and JSON
 * @param claim      the claim in words
 * @param verdict    what the data say about it
 * @param effect     effect size (difference of means); NaN only when there are no units at all
 * @param interval   two-sided interval of the effect at the settings' level, {lo, hi}; null when it does not exist
 *                   (fewer than 2 units)
 * @param p          one-sided p-value of "effect &gt; 0"; NaN when it does not exist (fewer than 2 units)
 * @param units      test instances the claim rests on
 * @param replicates seeds or control runs (the larger arm's count)
 * @param reason     one sentence saying why the verdict is what it is, in words a user understands
 */
public record Verdict(String id, String claim, Outcome verdict, double effect, double[] interval, double p, int units,
                      int replicates, String reason) {

    public Verdict {
        Objects.requireNonNull(verdict, "verdict");
        if (interval != null) {
            if (interval.length != 2) throw new IllegalArgumentException("interval must be {lo, hi}, got " + Arrays.toString(interval));
            interval = interval.clone();
        }
    }

    /** The id part of a method's report name ("GS cosine" -> gs_cosine, "NA-Instances" -> na_instances). */
    public static String methodId(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replace("-", "_").replace(' ', '_');
    }

    @Override
    public double[] interval() {
        return interval == null ? null : interval.clone();
    }

    /**
     * {"id","claim","verdict" (label),"effect","interval":[lo,hi],"p","units","replicates","reason"} in that order.
     * Never NaN: "effect" is null only with no units, "interval" and "p" are null only with fewer than 2 units,
     * because there they do not exist (JSON has no NaN, and 0 would be a false number).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("claim", claim);
        m.put("verdict", verdict.label());
        m.put("effect", finiteOrNull(effect));
        m.put("interval", interval == null ? null : List.of(interval[0], interval[1]));
        m.put("p", finiteOrNull(p));
        m.put("units", units);
        m.put("replicates", replicates);
        m.put("reason", reason);
        return m;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Verdict v && Objects.equals(id, v.id) && Objects.equals(claim, v.claim) && verdict == v.verdict
                && Double.compare(effect, v.effect) == 0 && Arrays.equals(interval, v.interval)
                && Double.compare(p, v.p) == 0 && units == v.units && replicates == v.replicates && Objects.equals(reason, v.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, claim, verdict, effect, Arrays.hashCode(interval), p, units, replicates, reason);
    }

    @Override
    public String toString() {
        return id + ": " + verdict.label() + " (" + reason + ")";
    }
}
