package reveal.eval.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reveal.engine.io.Json;
import reveal.eval.stats.Outcome;
import reveal.eval.stats.Verdict;

/**
 * What {@code compare} takes from one finished run's {@code summary.json}: who the run is (model, task, seed), how
 * well the fine-tuned model did, and its verdicts in file order.
 *
 * @param dir                  the run folder as given on the command line
 * @param title                the summary's title ("" when absent)
 * @param model                {@code run.model}: a model folder or the embedded model's description ("" when absent)
 * @param task                 {@code run.task} ("" when absent)
 * @param seed                 {@code run.seed}; null when absent
 * @param train                training instances ({@code run.train}); -1 when absent
 * @param dev                  dev instances; -1 when absent
 * @param test                 test instances; -1 when absent
 * @param wallSeconds          the run's wall time; NaN when absent
 * @param testAccuracy         {@code finetune.test_accuracy}; NaN when absent
 * @param majorityTestAccuracy {@code finetune.majority_test_accuracy}; NaN when absent
 * @param verdicts             the run's verdicts, in file order, ids unique
 */
public record RunVerdicts(String dir, String title, String model, String task, Long seed, int train, int dev, int test, double wallSeconds,
                          double testAccuracy, double majorityTestAccuracy, List<Verdict> verdicts) {

    public RunVerdicts {
        verdicts = List.copyOf(verdicts);
    }

    /** A run folder {@code compare} cannot use; the message names the folder and what is missing. */
    public static final class UnusableRun extends IllegalArgumentException {
        UnusableRun(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code dir/summary.json}. A missing folder or file, a file that is not JSON, a summary without
     * {@code "verdicts"} (a run from before reveal recorded them) or a malformed verdict is an {@link UnusableRun}.
     */
    public static RunVerdicts read(Path dir) {
        if (!Files.isDirectory(dir)) throw new UnusableRun(dir + ": no such run folder");
        Path file = dir.resolve("summary.json");
        if (!Files.isRegularFile(file))
            throw new UnusableRun(dir + ": no summary.json (not a finished run; `./reveal evaluate` or `./reveal demo` writes it when the run completes)");
        Map<String, Object> summary;
        try {
            summary = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UnusableRun(file + ": cannot be read (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new UnusableRun(file + ": not valid JSON (" + e.getMessage() + ")");
        }
        return fromSummary(dir.toString(), summary);
    }

    /** The same from a parsed summary; {@code dir} names the run in messages and tables. */
    public static RunVerdicts fromSummary(String dir, Map<String, Object> summary) {
        if (!(summary.get("verdicts") instanceof List<?> list))
            throw new UnusableRun(dir + ": summary.json has no \"verdicts\" (a run from before reveal recorded verdicts; run it again with this"
                    + " version of reveal to compare it)");
        List<Verdict> verdicts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Verdict v = verdict(dir, i, list.get(i));
            if (!ids.add(v.id())) throw new UnusableRun(dir + ": summary.json has the verdict \"" + v.id() + "\" twice");
            verdicts.add(v);
        }
        Map<?, ?> run = object(summary.get("run")), finetune = object(summary.get("finetune"));
        Object seed = run.get("seed");
        return new RunVerdicts(dir, string(summary.get("title")), string(run.get("model")), string(run.get("task")),
                seed instanceof Number n ? n.longValue() : null, count(run.get("train")), count(run.get("dev")), count(run.get("test")),
                num(run.get("wall_seconds")), num(finetune.get("test_accuracy")), num(finetune.get("majority_test_accuracy")), verdicts);
    }

    /** One element of {@code "verdicts"}: id and verdict are required, the numbers may be null where they do not exist. */
    private static Verdict verdict(String dir, int index, Object element) {
        String where = dir + ": summary.json verdicts[" + index + "]";
        if (!(element instanceof Map<?, ?> m)) throw new UnusableRun(where + " is not an object");
        if (!(m.get("id") instanceof String id) || id.isBlank()) throw new UnusableRun(where + " has no \"id\"");
        Outcome outcome = outcome(m.get("verdict"));
        if (outcome == null)
            throw new UnusableRun(where + " (\"" + id + "\") has verdict " + Json.write(m.get("verdict"))
                    + "; expected \"supported\", \"not_supported\" or \"inconclusive\"");
        double[] interval = null;
        if (m.get("interval") instanceof List<?> l) {
            if (l.size() != 2 || !(l.get(0) instanceof Number) || !(l.get(1) instanceof Number))
                throw new UnusableRun(where + " (\"" + id + "\") has an interval that is not [lo, hi]: " + Json.write(l));
            interval = new double[] {((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue()};
        }
        return new Verdict(id, string(m.get("claim")), outcome, num(m.get("effect")), interval, num(m.get("p")), Math.max(0, count(m.get("units"))),
                Math.max(0, count(m.get("replicates"))), string(m.get("reason")));
    }

    private static Outcome outcome(Object label) {
        for (Outcome o : Outcome.values()) if (o.label().equals(label)) return o;
        return null;
    }

    /** The verdict with this id, or null when the run has none. */
    public Verdict verdict(String id) {
        for (Verdict v : verdicts) if (v.id().equals(id)) return v;
        return null;
    }

    /**
     * A short name for tables: the model's folder name (or the embedded model's name) and the task, e.g.
     * "opt-125m, claim task train.jsonl".
     */
    public String label() {
        String m = model;
        int paren = m.indexOf(" (");
        if (paren > 0) m = m.substring(0, paren);
        m = m.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(m.lastIndexOf('/'), m.lastIndexOf('\\'));
        if (slash >= 0) m = m.substring(slash + 1);
        if (m.isEmpty()) m = title.isEmpty() ? "?" : title;
        return task.isEmpty() ? m : m + ", " + task;
    }

    /** The folder's own name (its last path element), which tells runs of the same model and task apart. */
    public String name() {
        Path p = Path.of(dir).normalize();
        Path f = p.getFileName();
        return f == null || f.toString().isEmpty() ? dir : f.toString();
    }

    /** As written to {@code compare.json}; missing numbers are null. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", dir);
        m.put("name", name());
        m.put("label", label());
        m.put("title", title);
        m.put("model", model);
        m.put("task", task);
        m.put("seed", seed);
        m.put("train", train < 0 ? null : train);
        m.put("dev", dev < 0 ? null : dev);
        m.put("test", test < 0 ? null : test);
        m.put("wall_seconds", finiteOrNull(wallSeconds));
        m.put("test_accuracy", finiteOrNull(testAccuracy));
        m.put("majority_test_accuracy", finiteOrNull(majorityTestAccuracy));
        m.put("verdicts", verdicts.stream().map(Verdict::toJson).toList());
        return m;
    }

    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Map<?, ?> object(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String string(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static int count(Object o) {
        return o instanceof Number n ? n.intValue() : -1;
    }
}
