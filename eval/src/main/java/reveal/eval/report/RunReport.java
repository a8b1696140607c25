package reveal.eval.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a pipeline run's {@code summary.json} as the self-contained HTML report. The summary is the single
 * source: a report can be re-rendered from it without recomputing anything, and a section whose data is missing
 * (a partial run) is left out rather than filled with placeholders.
 *
 * <p>The summary's shape (every list keeps its order in the report):
 * <pre>
 * title, headline [str], warnings [str],
 * verdicts [{id, claim, verdict, effect, interval, p, units, replicates, reason}], verdict_counts {..},
 * sanity [{check, passed, detail}],
 * run {model, task, backend, train, dev, test, seed, wall_seconds, stages [{name, seconds, resumed}], settings {..}},
 * finetune {epochs, dev_accuracy [..], train_loss [..], best_epoch, test_accuracy},
 * known_answer {methods [{name, family, precision_at_k, mrr, statement_mrr, precision_interval, mrr_interval}],
 *               random {..}, specificity {instances, own {change_rate, probability_drop}, other {..}}},
 * neuron_faithfulness {random_runs, control_seeds, sets [{name, mean_size, modes [{mode, change_rate, probability_drop,
 *               random {change_rate {mean, std, runs}, probability_drop {..}}}]}]},
 * retraining {fractions [..], seeds [..], random_arm, training, gate {.., passed, reason},
 *               cells [{ranking, arm, fraction, accuracy {mean, std, runs}}]},
 * lds {models, alpha, model_test_accuracy {..}, sanity, sanity_passed, methods [{name, id, mean, interval, ..}]},
 * overlap {k, pairs [{ia, na, ia_fraction, na_fraction, zero_overlap}], unique_instances [{method, count}],
 *               unique_neurons [{ia, na, ia_count, shared}]},
 * diversity {fraction, subsets [{name, size, cos_mean, loss_mean, vocab, avg_len}]},
 * heatmaps [{name, caption, values [[..]]}],
 * examples [{id, text, gold, predicted, neurons [..], methods [{name, top [{id, text, label, score, shared [..]}]}]}]
 * </pre>
 */
public final class RunReport {
    /** Wider layers are binned to this many cells, about two pixels each. */
    private static final int HEAT_MAP_COLUMNS = 240;

    private RunReport() {
    }

    /** Writes {@code file} (atomically) from a parsed summary. */
    public static void write(Map<String, Object> summary, Path file) {
        render(summary).write(file);
    }

    static HtmlReport render(Map<String, Object> summaryMap) {
        Summary s = new Summary(summaryMap);
        HtmlReport r = new HtmlReport(s.get("title").present() ? s.get("title").str() : "reveal report");
        Map<String, Summary> verdicts = new LinkedHashMap<>();
        for (Summary v : s.get("verdicts").list()) verdicts.put(v.get("id").str(), v);
        overview(r, s);
        knownAnswer(r, s.get("known_answer"), verdicts);
        neuronFaithfulness(r, s.get("neuron_faithfulness"), verdicts);
        retraining(r, s.get("retraining"), verdicts);
        lds(r, s.get("lds"), verdicts);
        heatmaps(r, s.get("heatmaps"));
        examples(r, s.get("examples"));
        iaVersusNa(r, s.get("overlap"), s.get("diversity"));
        runDetails(r, s.get("run"), s.get("finetune"));
        closing(r, s);
        return r;
    }

    private static void overview(HtmlReport r, Summary s) {
        r.section("Summary");
        Summary run = s.get("run");
        if (run.present()) {
            r.paragraph("Model " + run.get("model").str() + ", task " + run.get("task").str() + " (" + run.get("train").str() + " training, "
                    + run.get("dev").str() + " dev, " + run.get("test").str() + " test instances), backend " + run.get("backend").str()
                    + ". " + timeTaken(run) + ".");
        }
        List<Summary> verdicts = s.get("verdicts").list();
        if (!verdicts.isEmpty()) {
            Summary c = s.get("verdict_counts");
            r.paragraph("Every comparison below is a verdict: supported when its interval lies above zero and the permutation p-value is small, "
                    + "not supported when the interval rules out any effect worth reporting, and inconclusive otherwise (the data cannot tell, or a "
                    + "sanity check failed; the reason says which). This run: " + c.get("supported").str() + " supported, " + c.get("not_supported").str()
                    + " not supported, " + c.get("inconclusive").str() + " inconclusive.");
            List<List<String>> rows = new ArrayList<>();
            for (Summary v : verdicts)
                rows.add(List.of(v.get("id").str(), v.get("claim").str(), verdictWord(v), Summary.f3(v.get("effect").num()), interval(v.get("interval")),
                        v.get("p").present() ? String.format(java.util.Locale.ROOT, "%.4f", v.get("p").num()) : "-",
                        v.get("units").str() + (v.get("replicates").num() > 1 ? " x " + v.get("replicates").str() : ""), v.get("reason").str()));
            r.table(List.of("id", "claim", "verdict", "effect", "interval", "p", "instances x runs", "why"), rows, "Verdicts");
        }
        List<Summary> sanity = s.get("sanity").list();
        if (!sanity.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            for (Summary c : sanity) rows.add(List.of(c.get("check").str(), Boolean.TRUE.equals(c.get("passed").raw()) ? "passed" : "FAILED", c.get("detail").str()));
            r.table(List.of("sanity check", "result", "detail"), rows, "Sanity checks, made before any verdict is read");
        }
        List<String> headline = s.get("headline").strs();
        if (!headline.isEmpty()) r.bullets(headline);
        List<String> warnings = s.get("warnings").strs();
        if (!warnings.isEmpty()) r.calloutList("Warnings:", warnings, true);
    }

    /** The verdict in words; blank where the run has no such verdict. */
    private static String verdictWord(Summary v) {
        return v.present() ? v.get("verdict").str().replace('_', ' ') : "-";
    }

    private static String verdictWord(Map<String, Summary> verdicts, String id) {
        Summary v = verdicts.get(id);
        return v == null ? "-" : verdictWord(v);
    }

    private static void knownAnswer(HtmlReport r, Summary ka, Map<String, Summary> verdicts) {
        if (!ka.present()) return;
        r.section("Known-answer task: do the methods find the right training claims?");
        r.paragraph("Each test claim is about one fact (a person and a relation); the training claims about the same fact are the only ones "
                + "that can explain the prediction. Precision@k takes k = the number of such claims per test claim; MRR is the mean reciprocal "
                + "rank of the first one; statement MRR counts only training claims stating the same value. Random is the exact expectation "
                + "of a uniformly random ranking. The intervals are bootstrap intervals over the test claims; the verdict columns compare each "
                + "method's per-claim scores with random's expectation for the same claim (see the verdict table). (Gradient similarity by dot product scales with both "
                + "instances' loss gradients, so it favours the training instances the model fits worst; the cosine removes that scale.)");
        List<Summary> methods = new ArrayList<>(ka.get("methods").list());
        Summary random = ka.get("random");
        List<Svg.Group> groups = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (Summary m : methods) {
            groups.add(new Svg.Group(m.get("name").str(), new double[] {m.get("precision_at_k").num(), m.get("mrr").num()}, null));
            String id = "retrieval." + methodId(m.get("name").str());
            rows.add(List.of(m.get("name").str(), m.get("family").str(), Summary.f3(m.get("precision_at_k").num()), interval(m.get("precision_interval")),
                    verdictWord(verdicts, id + ".precision_vs_random"), Summary.f3(m.get("mrr").num()), interval(m.get("mrr_interval")),
                    verdictWord(verdicts, id + ".mrr_vs_random"), Summary.f3(m.get("statement_mrr").num())));
        }
        if (random.present()) {
            groups.add(new Svg.Group("random", new double[] {random.get("precision_at_k").num(), random.get("mrr").num()}, null));
            rows.add(List.of("random (expected)", "-", Summary.f3(random.get("precision_at_k").num()), "exact", "-", Summary.f3(random.get("mrr").num()), "exact",
                    "-", Summary.f3(random.get("statement_mrr").num())));
        }
        r.figure(Svg.barChart("Known-answer retrieval per method", "score (0-1)", List.of("precision@k", "MRR"), groups),
                "Precision@k and mean reciprocal rank of the same-fact training claims, per method, against random retrieval.");
        r.table(List.of("method", "family", "precision@k", "95% interval", "above random?", "MRR", "95% interval", "above random?", "statement MRR"), rows,
                "Known-answer retrieval over " + ka.get("test").str() + " test claims");
        Summary spec = ka.get("specificity");
        if (spec.present()) {
            r.subsection("Are a claim's NA neurons specific to its fact?");
            r.paragraph("For each test claim, its own NA neurons are suppressed (set to 0 at the last token) and the effect is measured on the claim "
                    + "itself and on the test claims about other facts. Over " + spec.get("instances").str() + " test claims:");
            Summary own = spec.get("own"), other = spec.get("other");
            r.table(List.of("measured on", "prediction changed", "mean drop of predicted-class probability"), List.of(
                    List.of("the claim itself", Summary.pct(own.get("change_rate").num()), Summary.f3(own.get("probability_drop").num())),
                    List.of("claims about other facts", Summary.pct(other.get("change_rate").num()), Summary.f3(other.get("probability_drop").num()))),
                    "Effect of suppressing a claim's NA neurons");
            Summary v = verdicts.get("neurons.na.specificity");
            if (v != null) r.callout("Specificity: " + verdictWord(v) + " (" + v.get("reason").str() + ").", !"supported".equals(v.get("verdict").str()));
        }
    }

    private static void neuronFaithfulness(HtmlReport r, Summary nf, Map<String, Summary> verdicts) {
        if (!nf.present()) return;
        r.section("Neuron faithfulness: suppress, enhance, sufficiency");
        r.paragraph("Each test instance's neuron set is edited at the last input token, in the FFN activation the attribution scored: suppress "
                + "sets the set's neurons to 0, enhance doubles them, sufficiency sets every other neuron of every layer to 0. The control "
                + "edits random neurons (uniform layer and index, same set size) with " + nf.get("random_runs").str()
                + " seeds; bars show its mean and error bars its standard deviation across the controls. A faithful set lowers the predicted "
                + "class's probability more than the random one under suppress, raises it more under enhance, and keeps it better under "
                + "sufficiency; each verdict pairs the test instances and resamples the controls.");
        List<List<String>> rows = new ArrayList<>();
        for (Summary set : nf.get("sets").list()) {
            String name = set.get("name").str();
            String prefix = name.equals("NA") ? "neurons.na." : "neurons.ia_neurons." + methodId(name.replaceAll("^IA-Neurons \\((.*)\\)$", "$1")) + ".";
            List<Svg.Group> change = new ArrayList<>(), drop = new ArrayList<>();
            for (Summary mode : set.get("modes").list()) {
                Summary rc = mode.get("random").get("change_rate"), rd = mode.get("random").get("probability_drop");
                String label = mode.get("mode").str();
                change.add(new Svg.Group(label, new double[] {mode.get("change_rate").num(), rc.get("mean").num()}, new double[] {0, rc.get("std").num()}));
                drop.add(new Svg.Group(label, new double[] {mode.get("probability_drop").num(), rd.get("mean").num()}, new double[] {0, rd.get("std").num()}));
                rows.add(List.of(name, label, Summary.pct(mode.get("change_rate").num()), Summary.pct(rc.get("mean").num()) + " ± " + Summary.pct(rc.get("std").num()),
                        Summary.f3(mode.get("probability_drop").num()), Summary.pm(rd.get("mean").num(), rd.get("std").num()),
                        verdictWord(verdicts, prefix + label + "_vs_random")));
            }
            r.subsection(name + " (" + Summary.f1(set.get("mean_size").num()) + " neurons per instance on average)");
            List<String> series = List.of("attributed", "random");
            r.figureRow(List.of(
                    Svg.barChart(name + ": predictions changed", "share of test instances", series, change),
                    Svg.barChart(name + ": probability drop", "mean drop of p(predicted class)", series, drop)),
                    "Effect of editing the " + name + " neurons against random neurons of the same number.");
        }
        r.table(List.of("neuron set", "edit", "changed", "changed (random)", "probability drop", "drop (random)", "verdict"), rows, "Neuron faithfulness, all numbers");
    }

    private static void retraining(HtmlReport r, Summary rt, Map<String, Summary> verdicts) {
        if (!rt.present()) return;
        r.section("Instance faithfulness: re-fine-tuning on ranked subsets");
        double[] fr = rt.get("fractions").nums();
        double[] x = new double[fr.length];
        for (int i = 0; i < fr.length; i++) x[i] = 100 * fr[i];
        Summary gate = rt.get("gate");
        double full = gate.get("full_accuracy").num();
        r.paragraph("The training instances are ranked by each method's rank-sum over the test set; the model is re-fine-tuned from the "
                + "pre-trained checkpoint with a freshly initialised classification head (" + rt.get("training").str() + ") on the most "
                + "influential, the least influential and a random x%, each with the training seeds " + String.join(", ", rt.get("seeds").strs())
                + " (random arm: " + rt.get("random_arm").str() + "), and test accuracy is measured. A faithful ranking gives most > random > least. "
                + "Error bars are the standard deviation over seeds; the dotted line is the model fine-tuned on all training data.");
        r.callout(gate.get("reason").str() + ".", !Boolean.TRUE.equals(gate.get("passed").raw()));
        Map<String, double[][]> curves = new LinkedHashMap<>();
        double[] rMean = new double[fr.length], rStd = new double[fr.length];
        for (Summary c : rt.get("cells").list()) {
            int i = indexOf(fr, c.get("fraction").num());
            Summary acc = c.get("accuracy");
            if (c.get("arm").str().equals("random")) {
                rMean[i] = acc.get("mean").num();
                rStd[i] = acc.get("std").num();
                continue;
            }
            double[][] curve = curves.computeIfAbsent(c.get("ranking").str(), k -> new double[4][fr.length]);
            int row = c.get("arm").str().equals("most") ? 0 : 2;
            curve[row][i] = acc.get("mean").num();
            curve[row + 1][i] = acc.get("std").num();
        }
        List<String> header = new ArrayList<>(List.of("method", "subset"));
        for (double v : x) header.add(Math.round(v) + "%");
        for (double v : x) header.add("verdict at " + Math.round(v) + "%");
        List<List<String>> rows = new ArrayList<>();
        List<String> charts = new ArrayList<>();
        curves.forEach((name, c) -> {
            List<Svg.Series> series = new ArrayList<>();
            // The reference line first, so the curves are drawn over it where they meet.
            if (Double.isFinite(full)) series.add(new Svg.Series("all data", constant(full, x.length), null, "#000000", true));
            series.add(new Svg.Series("most", c[0], c[1], Svg.PALETTE[0], false));
            series.add(new Svg.Series("least", c[2], c[3], Svg.PALETTE[1], false));
            series.add(new Svg.Series("random", rMean, rStd, Svg.PALETTE[7], true));
            charts.add(Svg.lineChart(name, "training data used (%)", "test accuracy", x, series));
            String id = "retraining." + methodId(name) + ".";
            rows.add(row(name, "most", c[0], c[1], x, verdicts, id + "most_vs_random."));
            rows.add(row(name, "least", c[2], c[3], x, verdicts, id + "random_vs_least."));
            rows.add(row(name, "most vs least", null, null, x, verdicts, id + "most_vs_least."));
        });
        rows.add(row("(any)", "random", rMean, rStd, x, verdicts, null));
        for (int i = 0; i < charts.size(); i += 2)
            r.figureRow(charts.subList(i, Math.min(charts.size(), i + 2)), "Test accuracy after re-fine-tuning on x% of the training data, by ranking.");
        r.table(header, rows, "Test accuracy after re-fine-tuning (mean ± std over seeds; the most row's verdict is most vs random, the least row's random vs least)"
                + (Double.isFinite(full) ? "; all data: " + Summary.f3(full) : ""));
    }

    private static void lds(HtmlReport r, Summary lds, Map<String, Summary> verdicts) {
        if (!lds.present()) return;
        r.section("Linear datamodeling score: do the scores predict retraining?");
        r.paragraph(lds.get("models").str() + " models are fine-tuned on random " + Math.round(100 * lds.get("alpha").num()) + "% subsets of the training data "
                + "(test accuracy " + Summary.pm(lds.get("model_test_accuracy").get("mean").num(), lds.get("model_test_accuracy").get("std").num())
                + "). For each test instance, a method predicts a subset model's margin (log-odds of the gold class) as the sum of its scores over the "
                + "subset; the LDS is the Spearman correlation between predicted and actual margins over the models, averaged over test instances "
                + "(TRAK's and kronfluence's measure). Sanity: " + lds.get("sanity").str() + ".");
        List<List<String>> rows = new ArrayList<>();
        for (Summary m : lds.get("methods").list())
            rows.add(List.of(m.get("name").str(), Summary.f3(m.get("mean").num()), interval(m.get("interval")), m.get("test_instances").str(), m.get("left_out").str(),
                    verdictWord(verdicts, "lds." + methodId(m.get("name").str()))));
        r.table(List.of("method", "mean LDS", "interval", "test instances", "left out (constant margins)", "verdict (above 0)"), rows, "LDS per method");
    }

    private static int indexOf(double[] values, double v) {
        for (int i = 0; i < values.length; i++) if (values[i] == v) return i;
        throw new IllegalArgumentException("report: retraining fraction " + v + " is not among " + java.util.Arrays.toString(values));
    }

    private static String methodId(String name) {
        return reveal.eval.stats.Verdict.methodId(name);
    }

    private static List<String> row(String name, String subset, double[] mean, double[] std, double[] x, Map<String, Summary> verdicts, String verdictPrefix) {
        List<String> row = new ArrayList<>(List.of(name, subset));
        for (int i = 0; i < x.length; i++) row.add(mean == null ? "" : Summary.pm(mean[i], std[i]));
        for (double v : x) row.add(verdictPrefix == null ? "" : verdictWord(verdicts, verdictPrefix + Math.round(v)));
        return row;
    }

    /** "[lo, hi]" of a two-number interval, or "-". */
    private static String interval(Summary ci) {
        double[] v = ci.nums();
        return v.length == 2 ? "[" + Summary.f3(v[0]) + ", " + Summary.f3(v[1]) + "]" : "-";
    }

    private static double[] constant(double v, int n) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    private static void heatmaps(HtmlReport r, Summary hm) {
        if (hm.list().isEmpty()) return;
        r.section("Where the knowledge sits: neuron attribution per layer");
        for (Summary h : hm.list()) {
            double[][] values = h.get("values").list().stream().map(Summary::nums).toArray(double[][]::new);
            r.figure(Svg.heatMap(h.get("name").str(), "layer", "FFN neuron index", values, HEAT_MAP_COLUMNS), h.get("caption").str());
        }
    }

    private static void examples(HtmlReport r, Summary ex) {
        if (ex.list().isEmpty()) return;
        r.section("Examples: what each method points to");
        r.paragraph("For chosen test instances, the top training instances of each instance-ranking method, with their scores and the NA neurons "
                + "they share with the test instance (its selected neurons, layer-index).");
        for (Summary e : ex.list()) {
            r.subsection(e.get("id").str() + ": \u201c" + e.get("text").str() + "\u201d");
            r.paragraph("Gold label: " + e.get("gold").str() + "; predicted: " + e.get("predicted").str() + ". Top NA neurons: "
                    + (e.get("neurons").strs().isEmpty() ? "none selected" : String.join(", ", e.get("neurons").strs())) + ".");
            List<List<String>> rows = new ArrayList<>();
            boolean knownAnswer = false;
            for (Summary m : e.get("methods").list()) {
                int rank = 1;
                for (Summary t : m.get("top").list()) {
                    List<String> shared = t.get("shared").strs();
                    List<String> row = new ArrayList<>(List.of(rank == 1 ? m.get("name").str() : "", String.valueOf(rank++), t.get("text").str(),
                            t.get("label").str(), Summary.f3(t.get("score").num()), shared.isEmpty() ? "-" : String.join(", ", shared)));
                    if (t.get("same_fact").present()) {
                        knownAnswer = true;
                        row.add(Boolean.TRUE.equals(t.get("same_fact").raw()) ? "yes" : "no");
                    }
                    rows.add(row);
                }
            }
            List<String> header = new ArrayList<>(List.of("method", "rank", "training instance", "label", "score", "shared neurons"));
            if (knownAnswer) header.add("same fact");
            r.table(header, rows, null);
        }
    }

    private static void iaVersusNa(HtmlReport r, Summary ov, Summary div) {
        if (!ov.present() && !div.present()) return;
        r.section("IA versus NA: overlap and diversity");
        if (ov.present()) {
            r.paragraph("Overlap of the top-" + ov.get("k").str() + " training instances per test instance (IA side: z-scored IA scores; NA side: "
                    + "NA-Instances), averaged over the test set; zero overlap counts the test instances with no common instance.");
            List<List<String>> rows = new ArrayList<>();
            for (Summary p : ov.get("pairs").list())
                rows.add(List.of(p.get("ia").str(), p.get("na").str(), Summary.f3(p.get("ia_fraction").num()), Summary.f3(p.get("na_fraction").num()),
                        p.get("zero_overlap").str()));
            r.table(List.of("IA method", "NA method", "overlap / |IA top-k|", "overlap / |NA top-k|", "test instances with zero overlap"), rows, "Instance overlap");
            List<List<String>> uniq = new ArrayList<>();
            for (Summary u : ov.get("unique_instances").list()) uniq.add(List.of(u.get("method").str(), u.get("count").str()));
            if (!uniq.isEmpty())
                r.table(List.of("method", "distinct training instances in the test set's top-" + ov.get("k").str()), uniq, "Unique influential instances");
            List<List<String>> neurons = new ArrayList<>();
            for (Summary u : ov.get("unique_neurons").list())
                neurons.add(List.of(u.get("ia").str(), u.get("na").str(), u.get("ia_count").str(), u.get("shared").str()));
            if (!neurons.isEmpty())
                r.table(List.of("IA method", "distinct NA top-1 neurons", "distinct IA-Neurons top-1 neurons", "shared"), neurons,
                        "Unique neurons (NA: each test instance's top neuron; IA: the top neuron of its top-1 IA instance)");
        }
        if (div.present()) {
            r.paragraph("Diversity of the most and least influential " + Math.round(100 * div.get("fraction").num()) + "% of each ranking (and random subsets): mean pairwise cosine similarity "
                    + "of the fine-tuned model's last-token final hidden states (lower = more diverse), mean loss, distinct tokens and mean length.");
            List<List<String>> rows = new ArrayList<>();
            for (Summary d : div.get("subsets").list())
                rows.add(List.of(d.get("name").str(), d.get("size").str(), Summary.f3(d.get("cos_mean").num()), Summary.f3(d.get("loss_mean").num()),
                        d.get("vocab").str(), Summary.f3(d.get("avg_len").num())));
            r.table(List.of("subset", "instances", "mean cosine", "mean loss", "distinct tokens", "mean length (tokens)"), rows, "Subset diversity");
        }
    }

    private static void runDetails(HtmlReport r, Summary run, Summary ft) {
        if (!run.present() && !ft.present()) return;
        r.section("Run details");
        if (ft.present()) {
            double[] dev = ft.get("dev_accuracy").nums(), loss = ft.get("train_loss").nums();
            double[] epochs = new double[dev.length];
            for (int i = 0; i < dev.length; i++) epochs[i] = i + 1;
            if (dev.length > 1)
                r.figure(Svg.lineChart("Fine-tuning", "epoch", "accuracy / loss", epochs, List.of(
                        new Svg.Series("dev accuracy", dev, null, Svg.PALETTE[0], false),
                        new Svg.Series("train loss", loss, null, Svg.PALETTE[1], true))), "Dev accuracy and mean training loss per epoch of the full fine-tuning.");
            r.table(List.of("fine-tuning", "value"), List.of(
                    List.of("epochs", ft.get("epochs").str()),
                    List.of("best epoch (by dev accuracy)", String.valueOf((int) ft.get("best_epoch").num() + 1)),
                    List.of("dev accuracy of the best epoch", Summary.f3(max(dev))),
                    List.of("test accuracy", Summary.f3(ft.get("test_accuracy").num()))), null);
        }
        if (run.present()) {
            List<List<String>> rows = new ArrayList<>();
            for (Summary st : run.get("stages").list())
                rows.add(List.of(st.get("name").str(), Summary.seconds(st.get("seconds").num()), Boolean.TRUE.equals(st.get("resumed").raw()) ? "from an earlier run" : "computed"));
            rows.add(List.of("this invocation, start to end", Summary.seconds(run.get("wall_seconds").num()), ""));
            r.table(List.of("stage", "time", ""), rows, "Stage times");
            List<List<String>> settings = new ArrayList<>();
            for (String k : run.get("settings").keys()) settings.add(List.of(k, run.get("settings").get(k).str()));
            if (!settings.isEmpty()) r.table(List.of("setting", "value"), settings, "Settings");
        }
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).filter(Double::isFinite).max().orElse(Double.NaN);
    }

    private static void closing(HtmlReport r, Summary s) {
        r.section("Closing note");
        List<String> headline = s.get("headline").strs();
        StringBuilder sb = new StringBuilder();
        for (String h : headline) sb.append(h).append(h.endsWith(".") ? " " : ". ");
        sb.append(timeTaken(s.get("run"))).append('.');
        r.paragraph(sb.toString());
    }

    /** The stages' total time, and this invocation's when some stages were done by an earlier, interrupted one. */
    private static String timeTaken(Summary run) {
        double total = 0;
        boolean resumed = false;
        for (Summary st : run.get("stages").list()) {
            total += st.get("seconds").num();
            resumed |= Boolean.TRUE.equals(st.get("resumed").raw());
        }
        double wall = run.get("wall_seconds").num();
        return resumed ? "The stages took " + Summary.seconds(total) + " in all, over more than one invocation (the last one " + Summary.seconds(wall) + ")"
                : "The run took " + Summary.seconds(Math.max(wall, total));
    }
}
