package reveal.eval.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reveal.attribution.store.AtomicFiles;
import reveal.engine.io.Json;
import reveal.eval.stats.Outcome;
import reveal.eval.stats.Verdict;

/**
 * Finished runs side by side: every verdict id any run has, and for each id how many runs support it, do not, or
 * cannot tell, and whether every run says the same.
 *
 * @param runs the runs, in the order given
 * @param ids  one tally per verdict id, in the order the ids first appear (the first run's order, then ids only later
 *             runs have)
 */
public record Comparison(List<RunVerdicts> runs, List<Tally> ids) {

    public Comparison {
        runs = List.copyOf(runs);
        ids = List.copyOf(ids);
    }

    /**
     * One verdict id across the runs.
     *
     * @param id           the verdict id, e.g. {@code retrieval.gs_cosine.mrr_vs_random}
     * @param claim        the claim in words (from the first run that has the id)
     * @param supported    runs whose verdict is "supported"
     * @param notSupported runs whose verdict is "not_supported"
     * @param inconclusive runs whose verdict is "inconclusive"
     * @param missing      runs without this id
     * @param common       the verdict when every run has the id and all agree; null otherwise
     */
    public record Tally(String id, String claim, int supported, int notSupported, int inconclusive, int missing, Outcome common) {

        /** Every run has this id and gives it the same verdict. */
        public boolean holdsAcrossRuns() {
            return common != null;
        }

        /** The part of the id before the first dot ("retrieval", "neurons", ...): the experiment it belongs to. */
        public String group() {
            int dot = id.indexOf('.');
            return dot < 0 ? id : id.substring(0, dot);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("claim", claim);
            m.put("supported", supported);
            m.put("not_supported", notSupported);
            m.put("inconclusive", inconclusive);
            m.put("missing", missing);
            m.put("holds_across_runs", holdsAcrossRuns());
            m.put("common_verdict", common == null ? null : common.label());
            return m;
        }
    }

    /** Tallies the runs' verdicts. */
    public static Comparison of(List<RunVerdicts> runs) {
        if (runs.isEmpty()) throw new IllegalArgumentException("nothing to compare: no runs");
        Set<String> order = new LinkedHashSet<>();
        for (RunVerdicts r : runs) for (Verdict v : r.verdicts()) order.add(v.id());
        List<Tally> tallies = new ArrayList<>();
        for (String id : order) {
            Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
            String claim = null;
            int missing = 0;
            for (RunVerdicts r : runs) {
                Verdict v = r.verdict(id);
                if (v == null) {
                    missing++;
                    continue;
                }
                if (claim == null) claim = v.claim();
                counts.merge(v.verdict(), 1, Integer::sum);
            }
            Outcome common = missing == 0 && counts.size() == 1 ? counts.keySet().iterator().next() : null;
            tallies.add(new Tally(id, claim, counts.getOrDefault(Outcome.SUPPORTED, 0), counts.getOrDefault(Outcome.NOT_SUPPORTED, 0),
                    counts.getOrDefault(Outcome.INCONCLUSIVE, 0), missing, common));
        }
        return new Comparison(runs, tallies);
    }

    /** Reads every run folder (failing on the first unusable one) and tallies them. */
    public static Comparison read(List<Path> dirs) {
        return of(dirs.stream().map(RunVerdicts::read).toList());
    }

    /** The tally of one id, or null. */
    public Tally tally(String id) {
        for (Tally t : ids) if (t.id().equals(id)) return t;
        return null;
    }

    /** Ids whose verdict is the same in every run. */
    public List<Tally> holding() {
        return ids.stream().filter(Tally::holdsAcrossRuns).toList();
    }

    /** {"format","runs":[...],"ids":[...]} as written to {@code compare.json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "reveal-compare/1");
        m.put("runs", runs.stream().map(RunVerdicts::toJson).toList());
        m.put("ids", ids.stream().map(Tally::toJson).toList());
        return m;
    }

    /** Writes {@code compare.json} and {@code compare.html} into {@code out} (atomically); returns the HTML's path. */
    public Path write(Path out) {
        AtomicFiles.writeString(out.resolve("compare.json"), Json.write(toJson()) + "\n");
        Path html = out.resolve("compare.html");
        CompareReport.write(this, html);
        return html;
    }
}
