package reveal.eval.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reveal.eval.report.HtmlReport;
import reveal.eval.stats.Outcome;
import reveal.eval.stats.Verdict;

/**
 * {@code compare.html}: the runs, then one table per experiment (a row per run, a column per verdict id), then each
 * id's verdicts counted over the runs with the ids that hold in every run marked.
 */
public final class CompareReport {
    /** Headings of the verdict groups reveal writes; other groups are shown under their own name. */
    private static final Map<String, String> GROUPS = Map.of(
            "finetune", "Fine-tuning",
            "retrieval", "Instance attribution: retrieving the known answer's training claims",
            "neurons", "Neuron attribution: editing the attributed neurons",
            "retraining", "Instance attribution: retraining on the attributed subsets",
            "lds", "Instance attribution: linear datamodeling score");

    private CompareReport() {
    }

    public static void write(Comparison c, Path file) {
        html(c).write(file);
    }

    static HtmlReport html(Comparison c) {
        int n = c.runs().size();
        HtmlReport r = new HtmlReport("Verdicts across " + n + " run" + (n == 1 ? "" : "s"));
        r.paragraph("Each run's verdicts come from its summary.json: a claim is supported when its interval lies above zero, not supported when"
                + " the interval rules out an effect worth reporting, and inconclusive otherwise. A cell reads: verdict, effect, [interval]."
                + " \"-\" means the run has no such verdict.");
        holdCallout(c, r);

        r.section("Runs");
        List<List<String>> rows = new ArrayList<>();
        for (RunVerdicts run : c.runs())
            rows.add(List.of(shown(c, run), run.model(), run.task(), run.seed() == null ? "n/a" : String.valueOf(run.seed()),
                    count(run.train()) + " / " + count(run.dev()) + " / " + count(run.test()), f3(run.testAccuracy()), f3(run.majorityTestAccuracy()),
                    seconds(run.wallSeconds())));
        r.table(List.of("run", "model", "task", "seed", "train / dev / test", "test accuracy", "majority class", "wall time"), rows,
                "The runs compared: test accuracy of the fine-tuned model, and of always predicting the most frequent class");

        r.section("Verdicts per run");
        for (Map.Entry<String, List<Comparison.Tally>> g : groups(c).entrySet()) {
            String group = g.getKey();
            List<Comparison.Tally> ids = g.getValue();
            r.subsection(GROUPS.getOrDefault(group, group));
            List<String> header = new ArrayList<>(List.of("run", "test accuracy"));
            for (Comparison.Tally t : ids) header.add(shortId(t.id()));
            List<List<String>> table = new ArrayList<>();
            for (RunVerdicts run : c.runs()) {
                List<String> row = new ArrayList<>(List.of(shown(c, run) + " (" + run.label() + ")", f3(run.testAccuracy())));
                for (Comparison.Tally t : ids) row.add(cell(run.verdict(t.id())));
                table.add(row);
            }
            r.table(header, table, null);
            r.bullets(ids.stream().map(t -> t.id() + ": " + t.claim()).toList());
        }

        r.section("Across runs");
        List<List<String>> tally = new ArrayList<>();
        for (Comparison.Tally t : c.ids())
            tally.add(List.of(t.id(), t.claim(), String.valueOf(t.supported()), String.valueOf(t.notSupported()), String.valueOf(t.inconclusive()),
                    String.valueOf(t.missing()), holds(t)));
        r.table(List.of("verdict id", "claim", "supported", "not supported", "inconclusive", "missing", "same in every run"), tally,
                "How many of the " + n + " runs reach each verdict; \"holds across runs\" marks the claims every run decides the same way");
        List<String> split = c.ids().stream().filter(t -> t.supported() > 0 && t.notSupported() > 0)
                .map(t -> t.id() + ": supported in " + t.supported() + ", not supported in " + t.notSupported()).toList();
        if (!split.isEmpty())
            r.calloutList("Runs contradict each other on these claims (supported in some, shown not to hold in others):", split, true);
        return r;
    }

    private static void holdCallout(Comparison c, HtmlReport r) {
        if (c.runs().size() < 2) {
            r.callout("Only one run: every verdict trivially \"holds\". Compare runs with other seeds, models or datasets to see which claims"
                    + " hold across them.", true);
            return;
        }
        List<String> supported = c.holding().stream().filter(t -> t.common() == Outcome.SUPPORTED).map(t -> t.id() + ": " + t.claim()).toList();
        String lead = c.holding().size() + " of " + c.ids().size() + " claims have the same verdict in all " + c.runs().size() + " runs; "
                + supported.size() + " of them supported in every run" + (supported.isEmpty() ? "." : ":");
        if (supported.isEmpty()) r.callout(lead, false);
        else r.calloutList(lead, supported, false);
    }

    /** The run folder's name, or its whole path when another run's folder has the same name (runs/a/out, runs/b/out). */
    static String shown(Comparison c, RunVerdicts run) {
        long same = c.runs().stream().filter(r -> r.name().equals(run.name())).count();
        return same > 1 ? run.dir() : run.name();
    }

    /** Ids grouped by their first part, groups in the order they first appear. */
    private static Map<String, List<Comparison.Tally>> groups(Comparison c) {
        Map<String, List<Comparison.Tally>> g = new LinkedHashMap<>();
        for (Comparison.Tally t : c.ids()) g.computeIfAbsent(t.group(), k -> new ArrayList<>()).add(t);
        return g;
    }

    private static String shortId(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? id : id.substring(dot + 1);
    }

    /** "yes: supported", or why not. */
    static String holds(Comparison.Tally t) {
        if (t.holdsAcrossRuns()) return "holds across runs: " + word(t.common());
        if (t.missing() > 0) return "no: missing in " + t.missing() + " run" + (t.missing() == 1 ? "" : "s");
        return "no: runs differ";
    }

    /** A table cell: "supported +0.210 [0.150, 0.270]", "inconclusive +0.020" without an interval, "-" for no verdict. */
    public static String cell(Verdict v) {
        if (v == null) return "-";
        double[] i = v.interval();
        return word(v.verdict()) + " " + signed(v.effect()) + (i == null ? "" : " [" + f3(i[0]) + ", " + f3(i[1]) + "]");
    }

    static String word(Outcome o) {
        return switch (o) {
            case SUPPORTED -> "supported";
            case NOT_SUPPORTED -> "not supported";
            case INCONCLUSIVE -> "inconclusive";
        };
    }

    /** "+0.210", "-0.050", "0.000" (no sign on a rounded zero), "n/a". */
    static String signed(double v) {
        if (!Double.isFinite(v)) return "n/a";
        String s = f3(v);
        return s.equals("0.000") || s.startsWith("-") ? s : "+" + s;
    }

    static String f3(double v) {
        if (!Double.isFinite(v)) return "n/a";
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.equals("-0.000") ? "0.000" : s;
    }

    private static String count(int n) {
        return n < 0 ? "?" : String.valueOf(n);
    }

    private static String seconds(double s) {
        if (!Double.isFinite(s)) return "n/a";
        long r = Math.round(s);
        return r >= 60 ? String.format(Locale.ROOT, "%dm %02ds", r / 60, r % 60) : String.format(Locale.ROOT, "%.1fs", s);
    }
}
