package reveal.eval.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import reveal.attribution.analysis.Diversity;
import reveal.attribution.analysis.InstanceOverlap;
import reveal.attribution.analysis.Representations;
import reveal.attribution.analysis.RetrainingSubsets;
import reveal.attribution.analysis.SubsetTokens;
import reveal.attribution.bridge.IaNeurons;
import reveal.attribution.bridge.NaInstances;
import reveal.attribution.bridge.Neuron;
import reveal.attribution.bridge.NeuronAttribution;
import reveal.attribution.bridge.Rankings;
import reveal.attribution.instance.InstanceAttribution;
import reveal.attribution.instance.LissaConvergence;
import reveal.attribution.instance.ParameterSelector;
import reveal.attribution.neuron.IgOptions;
import reveal.attribution.neuron.Quadrature;
import reveal.attribution.run.AttributionRun;
import reveal.attribution.run.NeuronSettings;
import reveal.engine.Backend;
import reveal.engine.cpu.CpuBackend;
import reveal.eval.analysis.KnownAnswerScores;
import reveal.eval.faithfulness.NeuronFaithfulness;
import reveal.eval.faithfulness.Retraining;
import reveal.eval.faithfulness.Spread;
import reveal.eval.faithfulness.SubsetModels;
import reveal.eval.stats.Comparisons;
import reveal.eval.stats.Lds;
import reveal.eval.stats.Verdict;
import reveal.eval.report.RunReport;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;
import reveal.model.data.Labels;
import reveal.model.data.PromptEncoder;
import reveal.model.io.ModelConfig;
import reveal.model.tokenizer.Tokenizer;
import reveal.model.tokenizer.Tokenizers;
import reveal.model.train.Trainer;
import reveal.model.train.TrainerConfig;

/**
 * The whole evaluation of one model on one task, as resumable stages that each write their results into the run
 * folder: fine-tuning; instance attribution (gradient similarity dot and cosine, influence with LiSSA, over the
 * classification head); neuron attribution of every test and training instance; NA-Instances and IA-Neurons; the
 * known-answer scores; the neuron faithfulness tests; overlap and diversity; the retraining test; then
 * {@code summary.json} and {@code report.html}. A stage whose marker exists is skipped, so a rerun after an
 * interruption continues where the run stopped (and the long stages resume inside themselves too).
 */
public final class Pipeline {
    /** Instance rankings by their report names, with the IA score matrices' method. */
    static final Map<String, InstanceAttribution.Method> IA_METHODS = new LinkedHashMap<>();

    static {
        IA_METHODS.put("GS dot", InstanceAttribution.Method.GRADIENT_DOT);
        IA_METHODS.put("GS cosine", InstanceAttribution.Method.GRADIENT_COSINE);
        IA_METHODS.put("LiSSA", InstanceAttribution.Method.INFLUENCE);
    }

    static final String NA_INSTANCES = "NA-Instances";

    private final PipelineConfig cfg;
    private final Workspace ws;
    private final Backend backend;
    private final long start = System.nanoTime();
    private final List<Map<String, Object>> stages = new ArrayList<>();
    private final Verdicts verdicts;
    /** The pre-trained causal LM every classifier (the fine-tuned one and each retrained one) starts from. */
    private LanguageModel pretrained;
    /** Tokenizer files saved with every trained model, so each saved folder is complete. */
    private List<Path> tokenizerFiles;
    private TaskData data;
    private Tokenizer tokenizer;
    private AttributionRun attributions;
    /** How LiSSA's recursions ended (checked after instance attribution). */
    private LissaConvergence lissa;
    /** The FFN activation that neuron attribution scores and the neuron tests edit; see {@link #neuronPoint}. */
    private FfnPoint point;

    private Pipeline(PipelineConfig cfg) {
        this.cfg = cfg;
        this.verdicts = new Verdicts(cfg.protocol().level(), cfg.seed());
        this.ws = new Workspace(cfg.out(), cfg.describe());
        this.backend = new CpuBackend(Math.max(1, cfg.threads()));
    }

    /** Runs (or resumes) every stage and returns the path of the written {@code report.html}. */
    public static Path run(PipelineConfig config) {
        return new Pipeline(config).execute();
    }

    private Path execute() {
        log("run folder " + ws.dir().toAbsolutePath());
        prepare();
        stage("finetune", this::finetune);
        LanguageModel model = LanguageModel.load(ws.path("finetune/best"), backend);
        attributions = data.task.attributions(ws.dir(), model, cfg.describe());
        stage("instance-attribution", this::instanceAttribution);
        checkLissa();
        stage("neuron-attribution", this::neuronAttribution);
        stage("bridges", this::bridges);
        if (data.hasGroundTruth()) stage("known-answer", this::knownAnswer);
        stage("neuron-faithfulness", () -> neuronFaithfulness(model));
        stage("analyses", () -> analyses(model));
        // The longest stage last: everything above is on disk (and in a partial report) if it is interrupted.
        stage("retraining", this::retraining);
        if (cfg.protocol().ldsModels() > 0) stage("lds", this::lds);
        ws.writeJson("summary.json", new SummaryBuilder(cfg, ws, attributions, data, stages, seconds(), point, lissa).build());
        // The report reads the summary as written, so it can always be re-rendered from summary.json alone.
        Map<String, Object> summary = ws.readObject("summary.json");
        Path report = ws.path("report.html");
        RunReport.write(summary, report);
        log(String.format(Locale.ROOT, "done in %s; report %s", duration(seconds()), report.toAbsolutePath()));
        return report.toAbsolutePath();
    }

    // ---------------------------------------------------------------- stages

    /** Model files, tokenizer and data: cheap, so done on every run. */
    private void prepare() {
        Path modelDir = cfg.modelDir() != null ? cfg.modelDir() : EmbeddedModel.stories260K().resolve("hf_llama_layout");
        pretrained = LanguageModel.load(modelDir, backend);
        Path tokenizerPath = cfg.tokenizer() != null ? cfg.tokenizer()
                : cfg.modelDir() != null ? modelDir : EmbeddedModel.stories260K().resolve("tok512.bin");
        tokenizer = Tokenizers.load(tokenizerPath);
        tokenizerFiles = Files.isRegularFile(tokenizerPath) ? List.of(tokenizerPath) : LanguageModel.tokenizerFiles(tokenizerPath);
        ModelConfig config = pretrained.config();
        point = IgOptions.paperPoint(config);
        data = TaskData.load(cfg.task(), PromptEncoder.withPaperPrefix(tokenizer, cfg.maxLen()), ws.path("task"));
        log(String.format(Locale.ROOT, "task: %d training, %d dev, %d test instances, %d classes %s; model %s (%d layers, %d FFN neurons each)",
                data.train.size(), data.dev.size(), data.test.size(), data.labels.size(), data.labels, config.arch(),
                config.numLayers(), config.intermediateSize()));
    }

    /** Fine-tunes {@code model} on the training instances at {@code positions} as {@code t} says, choosing the best epoch on the dev split. */
    private Trainer.Result train(LanguageModel classifier, PipelineConfig.Training t, int[] positions, long seed, boolean quiet, Path out) {
        int[] plan = t.plan(positions.length);
        int[] repeated = new int[positions.length * plan[0]];
        for (int copy = 0; copy < plan[0]; copy++) System.arraycopy(positions, 0, repeated, copy * positions.length, positions.length);
        TrainerConfig tc = TrainerConfig.defaults().withLearningRate(t.learningRate()).withEpochs(plan[1]).withBatchSize(t.batchSize())
                .withSeed(seed).withQuiet(quiet);
        return data.task.train(classifier, tc, tokenizerFiles, repeated, out);
    }

    private void finetune() {
        LanguageModel fresh = data.task.withNewHead(pretrained, cfg.seed(), backend);
        Trainer.Result r = train(fresh, cfg.finetune(), IntStream.range(0, data.train.size()).toArray(), cfg.seed(), false, ws.path("finetune"));
        LanguageModel best = LanguageModel.load(r.bestDir(), backend);
        SubsetModels.Outcome outcome = testOutcome(best, r.bestDevAccuracy());
        int[] gold = TaskData.labels(data.test);
        double[] correct = outcome.correct(gold);
        double test = outcome.accuracy(gold);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", r.devAccuracy().size());
        m.put("dev_accuracy", r.devAccuracy());
        m.put("train_loss", r.trainLoss());
        m.put("best_epoch", r.bestEpoch());
        m.put("test_accuracy", test);
        double majority = Labels.majorityAccuracy(TaskData.labels(data.train), gold, data.labels.size());
        m.put("majority_test_accuracy", majority);
        m.put("verdicts", Verdicts.toJson(List.of(verdicts.finetuneLearns(correct, majority))));
        ws.writeJson("finetune.json", m);
        log(String.format(Locale.ROOT, "fine-tuned: best epoch %d, dev accuracy %.3f, test accuracy %.3f", r.bestEpoch() + 1, r.bestDevAccuracy(), test));
    }

    /** The paper's IA: gradient similarity and LiSSA influence over the classification head. */
    private void instanceAttribution() {
        attributions.instanceAttribution(instanceSettings());
    }

    private AttributionRun.InstanceSettings instanceSettings() {
        PipelineConfig.Lissa l = cfg.methods().lissa();
        return new AttributionRun.InstanceSettings(ParameterSelector.classificationHead(), EnumSet.allOf(InstanceAttribution.Method.class),
                l.damping(), l.scale(), l.depth(), l.depthFactor(), l.batchSize(), 1, cfg.seed(), l.tolerance());
    }

    /**
     * The sanity check on LiSSA: influence from recursions that did not converge is not a finding, so every verdict
     * about the LiSSA ranking becomes inconclusive, with the reason.
     */
    private void checkLissa() {
        LissaConvergence c = attributions.lissaConvergence(instanceSettings().tolerance());
        lissa = c;
        if (!c.allConverged()) {
            verdicts.block("LiSSA", c.problem());
            log("LiSSA: " + c.problem() + "; its verdicts will be inconclusive");
        }
    }

    private void neuronAttribution() {
        NeuronSettings settings = NeuronSettings.threshold(new IgOptions(cfg.methods().igSteps(), Quadrature.PAPER, point, IgOptions.PREDICTED, IgOptions.LAST),
                cfg.methods().naThreshold());
        // Test instances keep their full attribution rows: the report's heat maps are drawn from them.
        attributions.neuronAttribution(AttributionRun.Split.TEST, settings, true);
        attributions.neuronAttribution(AttributionRun.Split.TRAIN, settings, false);
    }

    private void bridges() {
        attributions.naInstances(NaInstances.TEST_NEURONS);
        attributions.iaNeurons(List.copyOf(IA_METHODS.values()), cfg.methods().iaNeuronsK());
    }

    private void neuronFaithfulness(LanguageModel model) {
        List<NeuronAttribution> test = attributions.neurons(AttributionRun.Split.TEST);
        NeuronFaithfulness nf = new NeuronFaithfulness(data.task.neuronTests(model, point, 128));
        long[] controls = cfg.protocol().controlSeeds(cfg.seed());
        List<List<Neuron>> naSets = test.stream().map(a -> a.top(cfg.methods().naNeurons())).toList();
        List<Map<String, Object>> sets = new ArrayList<>();
        List<Verdict> found = new ArrayList<>();
        log("neuron faithfulness: NA neurons against " + controls.length + " random controls");
        NeuronFaithfulness.SetResult na = nf.evaluate("NA", naSets, controls);
        sets.add(na.toJson());
        found.addAll(verdicts.neurons(null, "neurons.na", na));
        IA_METHODS.forEach((name, method) -> {
            log("neuron faithfulness: IA-Neurons of " + name);
            NeuronFaithfulness.SetResult ia = nf.evaluate("IA-Neurons (" + name + ")", attributions.iaNeurons(method), controls);
            sets.add(ia.toJson());
            found.addAll(verdicts.neurons(name, "neurons.ia_neurons." + Verdicts.id(name), ia));
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("random_runs", controls.length);
        out.put("control_seeds", controls);
        out.put("sets", sets);
        out.put("baseline_probabilities", nf.baseline());
        if (data.hasGroundTruth()) {
            log("neuron faithfulness: fact specificity of NA neurons");
            NeuronFaithfulness.Specificity sp = nf.specificity(naSets, data.testFacts, 20, cfg.seed());
            out.put("specificity", sp.toJson());
            found.add(verdicts.specificity(sp));
        }
        out.put("verdicts", Verdicts.toJson(found));
        ws.writeJson("faithfulness/neurons.json", out);
    }

    /**
     * Every subset model the retraining test and the LDS need, trained once each (the LDS models double as the
     * random arm at their fraction), then the retraining comparisons behind the sanity gate.
     */
    private void retraining() {
        Retraining.Plan plan = retrainingPlan();
        List<SubsetModels.Spec> specs = new ArrayList<>(plan.allSpecs());
        specs.addAll(plan.randomModels()); // the LDS models, also where no fraction uses them as the random arm
        Map<SubsetModels.Spec, SubsetModels.Outcome> models = subsetModels(specs);
        Map<String, Object> finetune = ws.readObject("finetune.json");
        int[] gold = TaskData.labels(data.test);
        Retraining.Result r = Retraining.collect(plan, models, gold, ((Number) finetune.get("test_accuracy")).doubleValue(),
                ((Number) finetune.get("majority_test_accuracy")).doubleValue(), PipelineConfig.Protocol.GATE_SHARE);
        log(r.gate().reason());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fractions", cfg.protocol().fractions());
        out.put("seeds", cfg.protocol().seeds());
        PipelineConfig.Protocol p = cfg.protocol();
        boolean shared = java.util.Arrays.stream(p.fractions()).anyMatch(p::ldsCovers);
        out.put("random_arm", shared ? "the " + p.ldsModels() + " LDS models at " + Math.round(100 * p.ldsAlpha())
                + "%, " + p.seeds().length + " seeded subsets at the other fractions" : p.seeds().length + " seeded subsets per fraction");
        out.put("training", cfg.retrain().describe());
        out.put("gate", r.gate().toJson());
        out.put("cells", r.cells().stream().map(Retraining.Cell::toJson).toList());
        out.put("verdicts", Verdicts.toJson(verdicts.retraining(r, plan.rankings().keySet(), cfg.protocol().fractions())));
        ws.writeJson("retraining/result.json", out);
    }

    private Retraining.Plan retrainingPlan() {
        PipelineConfig.Protocol p = cfg.protocol();
        return new Retraining.Plan(Results.rankSums(attributions, data.train.size()), data.train.size(), p.fractions(), p.seeds(),
                PipelineConfig.Protocol.GATE_FRACTION, ldsSpecs(), p.ldsAlpha());
    }

    /** The LDS subset models: random {@code ldsAlpha} subsets, model m trained with seed {@code seed + m}. */
    private List<SubsetModels.Spec> ldsSpecs() {
        PipelineConfig.Protocol p = cfg.protocol();
        if (p.ldsModels() == 0) return List.of();
        int[][] subsets = Lds.subsets(data.train.size(), p.ldsAlpha(), p.ldsModels(), cfg.seed());
        List<SubsetModels.Spec> out = new ArrayList<>();
        for (int m = 0; m < subsets.length; m++) out.add(new SubsetModels.Spec(subsets[m], cfg.seed() + m));
        return out;
    }

    /** Trains (or reads back) subset models on the workers, each from the pre-trained model with a fresh head. */
    private Map<SubsetModels.Spec, SubsetModels.Outcome> subsetModels(List<SubsetModels.Spec> specs) {
        ws.deleteTree("retraining/work"); // folders of retrainings an interruption cut short
        AtomicInteger jobs = new AtomicInteger();
        SubsetModels.Trainer trainer = (subset, seed) -> {
            // One thread per worker: the model is small, and the workers already fill the cores.
            Backend b = new CpuBackend(1);
            LanguageModel fresh = data.task.withNewHead(pretrained, seed, b);
            String work = "retraining/work/" + jobs.incrementAndGet();
            Trainer.Result r = train(fresh, cfg.retrain(), subset, seed, true, ws.path(work));
            SubsetModels.Outcome o = testOutcome(LanguageModel.load(r.bestDir(), b), r.bestDevAccuracy());
            ws.deleteTree(work);
            return o;
        };
        Map<String, Object> settings = new LinkedHashMap<>(cfg.describe());
        settings.put("train_size", data.train.size());
        return SubsetModels.train(specs, trainer, Math.max(1, cfg.threads()), settings, ws.path("retraining/models.jsonl"));
    }

    /** A classifier's gold-class (gold-choice) probabilities and predictions on the test split. */
    private SubsetModels.Outcome testOutcome(LanguageModel classifier, double devAccuracy) {
        return data.task.outcome(classifier, devAccuracy, TaskData.labels(data.test));
    }

    /** The linear datamodeling score of every instance ranking over the LDS subset models (trained by the retraining stage). */
    private void lds() {
        List<SubsetModels.Spec> specs = ldsSpecs();
        Map<SubsetModels.Spec, SubsetModels.Outcome> models = subsetModels(specs);
        int[][] subsets = specs.stream().map(SubsetModels.Spec::subset).toArray(int[][]::new);
        double[][] margins = specs.stream().map(s -> models.get(s).margins()).toArray(double[][]::new);
        int[] gold = TaskData.labels(data.test);
        double[] accuracy = specs.stream().mapToDouble(s -> models.get(s).accuracy(gold)).toArray();
        double majority = ((Number) ws.readObject("finetune.json").get("majority_test_accuracy")).doubleValue();
        Spread modelAccuracy = Spread.of(accuracy);
        double meanAccuracy = modelAccuracy.mean();
        String blocked = meanAccuracy > majority + Verdicts.ACCURACY_MARGIN ? null
                : String.format(Locale.ROOT, "the %d LDS subset models do not learn the task (mean test accuracy %.3f, majority class %.3f), so their margins say nothing about attribution",
                specs.size(), meanAccuracy, majority);
        List<Map<String, Object>> methods = new ArrayList<>();
        List<Verdict> found = new ArrayList<>();
        Results.instanceScores(attributions).forEach((name, scores) -> {
            Lds.Result r = Lds.score(subsets, margins, Results.finite(scores));
            Verdict v = verdicts.lds(name, r, blocked);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("id", Verdict.methodId(name));
            m.put("mean", Double.isNaN(r.mean()) ? null : r.mean());
            m.put("interval", v.interval() == null ? null : v.interval());
            m.put("test_instances", r.perTest().length);
            m.put("left_out", r.leftOut().length);
            methods.add(m);
            found.add(v);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("models", specs.size());
        out.put("alpha", cfg.protocol().ldsAlpha());
        out.put("model_test_accuracy", modelAccuracy.toJson());
        out.put("sanity_passed", blocked == null);
        out.put("sanity", blocked == null ? "the subset models learn the task (mean test accuracy " + String.format(Locale.ROOT, "%.3f", meanAccuracy) + ")" : blocked);
        out.put("methods", methods);
        out.put("verdicts", Verdicts.toJson(found));
        ws.writeJson("analysis/lds.json", out);
    }

    private void knownAnswer() {
        KnownAnswerScores scores = new KnownAnswerScores(data.sameFact, data.sameStatement, data.train.size());
        KnownAnswerScores.Score random = scores.random();
        List<Map<String, Object>> methods = new ArrayList<>();
        List<Verdict> found = new ArrayList<>();
        for (Map.Entry<String, double[][]> e : Results.instanceScores(attributions).entrySet()) {
            KnownAnswerScores.Score s = scores.score(e.getValue());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.getKey());
            m.put("family", e.getKey().equals(NA_INSTANCES) ? "NA" : "IA");
            m.putAll(s.toJson());
            methods.add(m);
            found.addAll(verdicts.retrieval(e.getKey(), s, random));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("test", data.test.size());
        out.put("methods", methods);
        out.put("random", random.toJson());
        out.put("verdicts", Verdicts.toJson(found));
        ws.writeJson("analysis/known_answer.json", out);
    }

    private void analyses(LanguageModel model) {
        int k = cfg.methods().topK();
        Map<String, double[][]> scores = Results.instanceScores(attributions);
        List<NeuronAttribution> train = attributions.neurons(AttributionRun.Split.TRAIN);
        List<NeuronAttribution> test = attributions.neurons(AttributionRun.Split.TEST);
        Map<String, List<int[]>> tops = new LinkedHashMap<>();
        scores.forEach((name, s) -> tops.put(name, Results.tops(s, k)));

        List<Map<String, Object>> pairs = new ArrayList<>(), uniqueNeurons = new ArrayList<>(), uniqueInstances = new ArrayList<>();
        for (String ia : IA_METHODS.keySet()) {
            InstanceOverlap o = InstanceOverlap.of(scores.get(ia), tops.get(NA_INSTANCES), k);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("ia", ia);
            p.put("na", NA_INSTANCES);
            p.put("ia_fraction", o.meanOverIa());
            p.put("na_fraction", o.meanOverNa());
            p.put("zero_overlap", o.zeroOverlap());
            pairs.add(p);
            IaNeurons.Comparison c = IaNeurons.compare(test, scores.get(ia), train);
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("ia", ia);
            u.put("na", c.uniqueNa());
            u.put("ia_count", c.uniqueIa());
            u.put("shared", c.shared());
            uniqueNeurons.add(u);
        }
        tops.forEach((name, lists) -> {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("method", name);
            u.put("count", Rankings.uniqueInstances(lists));
            uniqueInstances.add(u);
        });
        Map<String, Object> overlap = new LinkedHashMap<>();
        overlap.put("k", k);
        overlap.put("pairs", pairs);
        overlap.put("unique_instances", uniqueInstances);
        overlap.put("unique_neurons", uniqueNeurons);
        ws.writeJson("analysis/overlap.json", overlap);
        ws.writeJson("analysis/diversity.json", diversity(model));
    }

    /** Diversity of the most / least influential 10% of each ranking and of random 10% subsets (paper-method 9). */
    private Map<String, Object> diversity(LanguageModel model) {
        double fraction = 0.1;
        Representations reps = data.task.trainRepresentations(model);
        int[][] vocab = new int[data.train.size()][];
        int[] length = new int[data.train.size()];
        for (int i = 0; i < vocab.length; i++) {
            List<String> segs = data.task.representedSegments(data.train.get(i));
            List<Integer> ids = new ArrayList<>();
            for (int s = 0; s < segs.size(); s++) {
                int[] t = tokenizer.encode(segs.get(s));
                length[i] += t.length;
                if (s < segs.size() - 1 || segs.size() == 1) for (int id : t) ids.add(id);
            }
            vocab[i] = ids.stream().mapToInt(Integer::intValue).toArray();
        }
        SubsetTokens tokens = new SubsetTokens() {
            public int[] vocabularyTokens(int id) {
                return vocab[id];
            }

            public int length(int id) {
                return length[id];
            }
        };
        List<Map<String, Object>> subsets = new ArrayList<>();
        Results.rankSums(attributions, data.train.size()).forEach((name, values) -> {
            subsets.add(diversityRow(name + " most", RetrainingSubsets.most(values, fraction), reps, tokens));
            subsets.add(diversityRow(name + " least", RetrainingSubsets.least(values, fraction), reps, tokens));
        });
        for (long s : cfg.protocol().seeds()) subsets.add(diversityRow("random (seed " + s + ")", RetrainingSubsets.random(data.train.size(), fraction, s), reps, tokens));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fraction", fraction);
        out.put("subsets", subsets);
        return out;
    }

    private static Map<String, Object> diversityRow(String name, int[] subset, Representations reps, SubsetTokens tokens) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("size", subset.length);
        if (subset.length == 0) return m;
        Diversity d = Diversity.of(subset, reps, tokens);
        m.put("cos_mean", d.cosineMean());
        m.put("loss_mean", d.lossMean());
        m.put("vocab", d.vocabulary());
        m.put("avg_len", d.meanLength());
        return m;
    }

    // ---------------------------------------------------------------- plumbing

    private void stage(String name, Runnable body) {
        int index = stages.size() + 1;
        double earlier = ws.doneSeconds(name);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("name", name);
        if (earlier >= 0) {
            log(String.format(Locale.ROOT, "stage %d %s: done in an earlier run (%s)", index, name, duration(earlier)));
            record.put("seconds", earlier);
            record.put("resumed", true);
        } else {
            log(String.format(Locale.ROOT, "stage %d %s: starting (%s into the run)", index, name, duration(seconds())));
            long t0 = System.nanoTime();
            body.run();
            double took = (System.nanoTime() - t0) / 1e9;
            ws.markDone(name, took);
            log(String.format(Locale.ROOT, "stage %d %s: finished in %s", index, name, duration(took)));
            record.put("seconds", took);
            record.put("resumed", false);
        }
        stages.add(record);
    }

    private double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
    }

    static void log(String line) {
        System.err.println("[reveal] " + line);
    }
}
