package reveal.eval.pipeline;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import reveal.attribution.bridge.Neuron;
import reveal.attribution.bridge.NeuronAttribution;
import reveal.attribution.bridge.NeuronScore;
import reveal.attribution.bridge.Rankings;
import reveal.attribution.instance.LissaConvergence;
import reveal.attribution.neuron.InstanceNeurons;
import reveal.attribution.run.AttributionRun;
import reveal.model.arch.FfnPoint;
import reveal.model.data.Instance;

/**
 * Assembles {@code summary.json} (the report's only input, see {@link reveal.eval.report.RunReport}) from the
 * stage outputs in the run folder: the sections, the chosen examples, the heat maps, and the headline numbers and
 * warnings, which are worded here so the report and the summary say the same.
 */
final class SummaryBuilder {
    private static final int EXAMPLE_TOP = 5;

    private final PipelineConfig cfg;
    private final Workspace ws;
    private final AttributionRun attributions;
    private final TaskData data;
    private final List<Map<String, Object>> stages;
    private final double wallSeconds;
    private final FfnPoint point;
    private final LissaConvergence lissa;
    private final List<String> headline = new ArrayList<>(), warnings = new ArrayList<>();

    SummaryBuilder(PipelineConfig cfg, Workspace ws, AttributionRun attributions, TaskData data, List<Map<String, Object>> stages, double wallSeconds,
                   FfnPoint point, LissaConvergence lissa) {
        this.lissa = lissa;
        this.attributions = attributions;
        this.point = point;
        this.cfg = cfg;
        this.ws = ws;
        this.data = data;
        this.stages = stages;
        this.wallSeconds = wallSeconds;
    }

    Map<String, Object> build() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("format", "reveal-summary/1");
        s.put("title", "What " + modelName() + " learned: " + (data.hasGroundTruth() ? "known-answer claim task" : taskName()));
        Map<String, Object> finetune = ws.readObject("finetune.json");
        s.put("finetune", finetune);
        double test = num(finetune.get("test_accuracy")), majority = num(finetune.get("majority_test_accuracy"));
        headline.add(String.format(Locale.ROOT, "The fine-tuned model reaches test accuracy %.3f (majority class %.3f)", test, majority));
        if (!(test >= majority + 0.1))
            warnings.add(String.format(Locale.ROOT, "The fine-tuned model is barely better than always predicting the majority class (test accuracy %.3f vs %.3f):"
                    + " the attributions below explain a model that has learned little of the task", test, majority));
        List<Object> verdicts = new ArrayList<>(), sanity = new ArrayList<>();
        sanity.add(check("LiSSA recursions converge", lissa.allConverged(), lissa.allConverged()
                ? String.format(Locale.ROOT, "all %d recursions converged (|v| changed by at most %.2f%% over the last 10%% of the steps)", lissa.recursions(), 100 * lissa.maxRelativeChange())
                : lissa.problem() + "; every LiSSA verdict is inconclusive"));
        if (!lissa.allConverged()) warnings.add(lissa.problem() + "; every LiSSA verdict is inconclusive");
        collectVerdicts(finetune, verdicts);
        if (exists("analysis/known_answer.json")) s.put("known_answer", knownAnswer(verdicts));
        if (exists("faithfulness/neurons.json")) s.put("neuron_faithfulness", neuronFaithfulness(verdicts));
        if (exists("retraining/result.json")) s.put("retraining", retraining(verdicts, sanity));
        if (exists("analysis/lds.json")) s.put("lds", lds(verdicts, sanity));
        s.put("verdicts", verdicts);
        s.put("verdict_counts", counts(verdicts));
        s.put("sanity", sanity);
        if (exists("analysis/overlap.json")) s.put("overlap", overlap());
        if (exists("analysis/diversity.json")) s.put("diversity", ws.readJson("analysis/diversity.json"));
        List<InstanceNeurons> testNeurons = attributions.neuronRecords(AttributionRun.Split.TEST);
        s.put("heatmaps", heatmaps(testNeurons));
        s.put("examples", examples(testNeurons));
        s.put("run", run());
        s.put("headline", headline);
        s.put("warnings", warnings);
        return s;
    }

    private String modelName() {
        return cfg.modelDir() == null ? "stories260K" : cfg.modelDir().getFileName().toString();
    }

    private String taskName() {
        return cfg.task().kind() + " task " + cfg.task().train().getFileName();
    }

    private boolean exists(String relative) {
        return Files.exists(ws.path(relative));
    }

    private Map<String, Object> run() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", cfg.modelDir() == null ? "stories260K (embedded, 260K parameters, Llama)" : cfg.modelDir().toString());
        r.put("task", data.hasGroundTruth() ? "known-answer claims" : taskName());
        r.put("backend", "cpu, " + cfg.threads() + " thread(s)");
        r.put("train", data.train.size());
        r.put("dev", data.dev.size());
        r.put("test", data.test.size());
        r.put("seed", cfg.seed());
        r.put("wall_seconds", wallSeconds);
        r.put("stages", stages);
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, Object> d = cfg.describe();
        PipelineConfig.Task task = cfg.task();
        PipelineConfig.Methods m = cfg.methods();
        settings.put("model", d.get("model"));
        settings.put("tokenizer", d.get("tokenizer"));
        settings.put("task", d.get("task"));
        if (task.maxTrain() + task.maxDev() + task.maxTest() > 0)
            settings.put("instances kept (train, dev, test; 0 = all)", task.maxTrain() + ", " + task.maxDev() + ", " + task.maxTest());
        settings.put("tokens per instance at most", String.valueOf(cfg.maxLen()));
        settings.put("fine-tuning", cfg.finetune().describe());
        settings.put("retraining", cfg.retrain().describe());
        PipelineConfig.Protocol p = cfg.protocol();
        settings.put("retraining subset sizes", Arrays.stream(p.fractions()).mapToObj(f -> Math.round(100 * f) + "%").collect(Collectors.joining(", "))
                + ", and random " + Math.round(100 * PipelineConfig.Protocol.GATE_FRACTION) + "% subsets for the sanity gate");
        settings.put("training seeds of every retrained subset", Arrays.stream(p.seeds()).mapToObj(String::valueOf).collect(Collectors.joining(", ")));
        settings.put("LDS", p.ldsModels() == 0 ? "off" : p.ldsModels() + " models on random " + Math.round(100 * p.ldsAlpha()) + "% subsets (model m seeded " + cfg.seed() + " + m)");
        settings.put("random neuron controls per test", p.neuronControls() + ", seeded " + (cfg.seed() + 1) + ".." + (cfg.seed() + p.neuronControls()));
        settings.put("verdicts", Math.round(100 * p.level()) + "% paired bootstrap intervals over test instances (and seeds), one-sided sign-flip permutation p-values");
        settings.put("neurons (attributed and edited at the last token)", point == FfnPoint.POST
                ? "FFN neuron outputs, the down projection's input (gated FFN: silu(gate) x up)"
                : "first FFN projection's outputs before the activation (the paper's)");
        settings.put("integrated-gradient steps", String.valueOf(m.igSteps()));
        settings.put("NA selection", "attribution above " + m.naThreshold() + " x the instance's largest");
        settings.put("NA neurons per test instance in the neuron tests", "top " + m.naNeurons());
        settings.put("IA-Neurons", "top neuron of each of the top " + m.iaNeuronsK() + " training instances");
        settings.put("top-k of the overlap and unique-instance counts", String.valueOf(m.topK()));
        String lissaSettings = m.lissa().describe();
        if (exists("ia/info.json")) {
            Map<String, Object> ia = ws.readObject("ia/info.json");
            lissaSettings += String.format(Locale.ROOT, ", scale %.4g (from the data), so lambda = damping x scale = %.4g", num(ia.get("lissa_scale")), num(ia.get("lissa_lambda")));
        }
        settings.put("LiSSA (classification head only)", lissaSettings + "; " + lissa.converged() + " of " + lissa.recursions() + " recursions converged");
        settings.put("seed", String.valueOf(cfg.seed()));
        r.put("settings", settings);
        return r;
    }

    @SuppressWarnings("unchecked")
    private Object knownAnswer(List<Object> verdicts) {
        Map<String, Object> ka = new LinkedHashMap<>(ws.readObject("analysis/known_answer.json"));
        collectVerdicts(ka, verdicts);
        Map<String, Object> random = (Map<String, Object>) ka.get("random");
        StringBuilder line = new StringBuilder("Known-answer retrieval, precision@k / MRR: ");
        for (Object o : (List<?>) ka.get("methods")) {
            Map<String, Object> m = (Map<String, Object>) o;
            line.append(String.format(Locale.ROOT, "%s %.3f / %.3f, ", m.get("name"), num(m.get("precision_at_k")), num(m.get("mrr"))));
        }
        line.append(String.format(Locale.ROOT, "random %.3f / %.3f", num(random.get("precision_at_k")), num(random.get("mrr"))));
        headline.add(line.toString());
        Map<String, Object> nf = ws.readObject("faithfulness/neurons.json");
        if (nf.containsKey("specificity")) {
            Map<String, Object> sp = (Map<String, Object>) nf.get("specificity");
            ka.put("specificity", sp);
            Map<String, Object> ownEffect = (Map<String, Object>) sp.get("own"), otherEffect = (Map<String, Object>) sp.get("other");
            double own = num(ownEffect.get("probability_drop")), other = num(otherEffect.get("probability_drop"));
            headline.add(String.format(Locale.ROOT, "Suppressing a claim's own NA neurons changes %.1f%% of those predictions (mean probability drop %.3f);"
                    + " on claims about other facts it changes %.1f%% (drop %.3f)", 100 * num(ownEffect.get("change_rate")), own,
                    100 * num(otherEffect.get("change_rate")), other));
        }
        return ka;
    }

    @SuppressWarnings("unchecked")
    private Object neuronFaithfulness(List<Object> verdicts) {
        Map<String, Object> nf = new LinkedHashMap<>(ws.readObject("faithfulness/neurons.json"));
        nf.remove("specificity");
        nf.remove("baseline_probabilities");
        collectVerdicts(nf, verdicts);
        for (Object o : (List<?>) nf.get("sets")) {
            Map<String, Object> set = (Map<String, Object>) o;
            if (!set.get("name").equals("NA")) continue;
            for (Object mo : (List<?>) set.get("modes")) {
                Map<String, Object> mode = (Map<String, Object>) mo;
                if (!"suppress".equals(mode.get("mode"))) continue;
                Map<String, Object> rc = (Map<String, Object>) ((Map<String, Object>) mode.get("random")).get("change_rate");
                headline.add(String.format(Locale.ROOT, "Suppressing each test instance's NA neurons changes %.1f%% of predictions (%s random controls: %.1f%% ± %.1f%%)",
                        100 * num(mode.get("change_rate")), nf.get("random_runs"), 100 * num(rc.get("mean")), 100 * num(rc.get("std"))));
            }
        }
        return nf;
    }

    /** The retraining cells and gate; when the gate failed, the reason leads the warnings. */
    @SuppressWarnings("unchecked")
    private Object retraining(List<Object> verdicts, List<Object> sanity) {
        Map<String, Object> rt = new LinkedHashMap<>(ws.readObject("retraining/result.json"));
        collectVerdicts(rt, verdicts);
        Map<String, Object> gate = (Map<String, Object>) rt.get("gate");
        sanity.add(check("retraining learns the task", Boolean.TRUE.equals(gate.get("passed")), String.valueOf(gate.get("reason"))));
        if (!Boolean.TRUE.equals(gate.get("passed"))) warnings.add(gate.get("reason") + "; every retraining verdict is inconclusive");
        return rt;
    }

    @SuppressWarnings("unchecked")
    private Object lds(List<Object> verdicts, List<Object> sanity) {
        Map<String, Object> lds = new LinkedHashMap<>(ws.readObject("analysis/lds.json"));
        collectVerdicts(lds, verdicts);
        String detail = String.valueOf(lds.get("sanity"));
        boolean learned = Boolean.TRUE.equals(lds.get("sanity_passed"));
        sanity.add(check("the LDS subset models learn the task", learned, detail));
        if (!learned) warnings.add("LDS: " + detail + "; every LDS verdict is inconclusive");
        List<String> parts = new ArrayList<>();
        for (Object o : (List<?>) lds.get("methods")) {
            Map<String, Object> m = (Map<String, Object>) o;
            parts.add(m.get("mean") == null ? m.get("name") + " n/a" : String.format(Locale.ROOT, "%s %.3f", m.get("name"), num(m.get("mean"))));
        }
        headline.add("Linear datamodeling score (mean Spearman over " + lds.get("models") + " subset models): " + String.join(", ", parts));
        return lds;
    }

    /** A map of the key-value pairs in this order ({@code Map.of} iterates in an order that changes from run to run). */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    private static Map<String, Object> check(String name, boolean passed, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", name);
        m.put("passed", passed);
        m.put("detail", detail);
        return m;
    }

    /** Moves a stage result's verdicts into the summary's one list. */
    private static void collectVerdicts(Map<String, Object> stageResult, List<Object> verdicts) {
        Object v = stageResult.remove("verdicts");
        if (v instanceof List<?> l) verdicts.addAll(l);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> counts(List<Object> verdicts) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (String k : List.of("supported", "not_supported", "inconclusive")) c.put(k, 0);
        for (Object o : verdicts) c.merge(String.valueOf(((Map<String, Object>) o).get("verdict")), 1, (a, b) -> (Integer) a + (Integer) b);
        return c;
    }

    @SuppressWarnings("unchecked")
    private Object overlap() {
        Map<String, Object> ov = ws.readObject("analysis/overlap.json");
        StringBuilder line = new StringBuilder("Top-" + ov.get("k") + " overlap of IA with NA-Instances: ");
        List<String> parts = new ArrayList<>();
        for (Object o : (List<?>) ov.get("pairs")) {
            Map<String, Object> p = (Map<String, Object>) o;
            parts.add(String.format(Locale.ROOT, "%s %.3f", p.get("ia"), num(p.get("ia_fraction"))));
        }
        headline.add(line.append(String.join(", ", parts)).toString());
        return ov;
    }

    /** Mean attribution per neuron over the test set, and how often each neuron is selected. */
    private List<Object> heatmaps(List<InstanceNeurons> test) {
        double[][] first = test.get(0).rows();
        if (first == null) return List.of();
        int layers = first.length, width = first[0].length;
        double[][] mean = new double[layers][width], selected = new double[layers][width];
        for (InstanceNeurons r : test) {
            for (int l = 0; l < layers; l++) for (int j = 0; j < width; j++) mean[l][j] += r.rows()[l][j] / test.size();
            for (NeuronScore n : r.selected().neurons()) selected[n.layer()][n.neuron()] += 1.0 / test.size();
        }
        List<Object> out = new ArrayList<>();
        out.add(ordered("name", "Mean NA attribution over the test set", "values", mean,
                "caption", "Integrated-gradients attribution of every FFN neuron (at the last token) to the predicted class's probability, averaged over the "
                        + test.size() + " test instances; red raises the prediction, blue lowers it."));
        out.add(ordered("name", "Share of test instances selecting each neuron", "values", selected,
                "caption", "How often each neuron passes the NA selection (attribution above " + cfg.methods().naThreshold() + " x the instance's maximum)."));
        return out;
    }

    /** A few test instances (each class represented) with each ranking's top training instances. */
    private List<Object> examples(List<InstanceNeurons> testNeurons) {
        Map<String, double[][]> scores = Results.instanceScores(attributions);
        List<NeuronAttribution> train = attributions.neurons(AttributionRun.Split.TRAIN);
        List<Object> out = new ArrayList<>();
        for (int t : chosenExamples()) {
            NeuronAttribution na = testNeurons.get(t).selected();
            Set<Neuron> own = new HashSet<>();
            for (NeuronScore n : na.neurons()) own.add(n.key());
            Map<String, Object> e = new LinkedHashMap<>();
            Instance ex = data.test.get(t);
            e.put("id", ex.id());
            e.put("text", TaskData.text(ex));
            e.put("gold", data.labels.get(ex.label()));
            e.put("predicted", data.labels.get(na.predicted()));
            e.put("neurons", na.top(5).stream().map(Neuron::toString).toList());
            List<Object> methods = new ArrayList<>();
            scores.forEach((name, s) -> {
                List<Object> top = new ArrayList<>();
                for (int z : Rankings.top(s[t], EXAMPLE_TOP)) {
                    Instance tr = data.train.get(z);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", tr.id());
                    row.put("text", TaskData.text(tr));
                    row.put("label", data.labels.get(tr.label()));
                    row.put("score", s[t][z]);
                    row.put("shared", train.get(z).ranked().stream().map(NeuronScore::key).filter(own::contains).limit(5).map(Neuron::toString).toList());
                    if (data.hasGroundTruth()) row.put("same_fact", data.sameFact.get(t).contains(z));
                    top.add(row);
                }
                methods.add(ordered("name", name, "top", top));
            });
            e.put("methods", methods);
            out.add(e);
        }
        return out;
    }

    /** The first test instance of each gold class, then the next ones in order, up to the configured number. */
    private List<Integer> chosenExamples() {
        List<Integer> chosen = new ArrayList<>();
        Set<Integer> classes = new HashSet<>();
        for (int t = 0; t < data.test.size() && chosen.size() < cfg.examples(); t++)
            if (classes.add(data.test.get(t).label())) chosen.add(t);
        for (int t = 0; t < data.test.size() && chosen.size() < cfg.examples(); t++) if (!chosen.contains(t)) chosen.add(t);
        return chosen;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
