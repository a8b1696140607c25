package reveal.attribution.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import reveal.attribution.bridge.IaNeurons;
import reveal.attribution.bridge.NaInstances;
import reveal.attribution.bridge.Neuron;
import reveal.attribution.bridge.NeuronAttribution;
import reveal.attribution.instance.ChoiceHeadLoss;
import reveal.attribution.instance.Derivatives;
import reveal.attribution.instance.HeadOnlyLoss;
import reveal.attribution.instance.InstanceAttribution;
import reveal.attribution.instance.InstanceLoss;
import reveal.attribution.instance.Lissa;
import reveal.attribution.instance.LissaConfig;
import reveal.attribution.instance.LissaConvergence;
import reveal.attribution.instance.ModelLoss;
import reveal.attribution.instance.ParameterSelector;
import reveal.attribution.instance.ParameterSubset;
import reveal.attribution.neuron.InstanceNeurons;
import reveal.attribution.neuron.NeuronAttributor;
import reveal.attribution.store.AtomicFiles;
import reveal.attribution.store.Fingerprint;
import reveal.attribution.store.Progress;
import reveal.attribution.store.RecordedSettings;
import reveal.attribution.store.RecordLog;
import reveal.attribution.store.RowMatrix;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.data.EncodedExample;
import reveal.model.data.EncodedChoices;

/**
 * The attributions of one fine-tuned classifier (or multiple-choice scorer) over a training and a test split, kept in
 * a folder from which every step resumes (an interrupted step loses at most the instance in progress):
 * <pre>
 *   ia/gs_dot, ia/gs_cosine, ia/influence   score matrices, row = training instance, column = test instance
 *   ia/ihvp, ia/lissa_trace.jsonl           LiSSA's inverse-HVPs and convergence traces ({@link #lissaConvergence})
 *   ia/info.json                            the IA settings as run (LiSSA's scale, depth, convergence)
 *   na/test.jsonl, na/train.jsonl           one neuron record per instance (test records keep every attribution)
 *   bridge/na_instances                     NA-Instances scores, row = test instance, column = training instance
 *   bridge/ia_neurons.json                  IA-Neurons: per IA method, per test instance, its neurons
 * </pre>
 * Each step records its settings; resuming a folder with other settings (or other data) is refused rather than
 * mixing the two. Instances are identified by their position in the split.
 */
public final class AttributionRun {
    public enum Split {
        TRAIN("train"), TEST("test");

        final String file;

        Split(String file) {
            this.file = file;
        }
    }

    /**
     * Instance-attribution settings. LiSSA's depth is either fixed ({@code depth} steps) or the paper's
     * {@code int(ceil(N_train / batchSize) * depthFactor)}: exactly one of the two is positive.
     *
     * @param parameters  which parameters the gradients are taken over (the paper: the classification head)
     * @param damping     LiSSA's damping d in {@code v <- g + (1 - d) v - H v / scale}
     * @param scale       LiSSA's Hessian scale, or 0 to choose one that makes the recursion converge: for the head
     *                    the bound {@code 0.55 max |h|^2} (the head-only Hessian's eigenvalues are at most
     *                    {@code |h|^2 / 2}; for choices, {@code sum_j |h_j|^2 / 2}), otherwise {@link Lissa#suggestScale}
     *                    by power iteration
     * @param depth       a fixed number of recursion steps, or 0 to use {@code depthFactor}
     * @param depthFactor the paper's {@code lissa_depth}, or 0 to use {@code depth}
     * @param tolerance   the convergence check's ({@link LissaConfig#tolerance}); not part of the recorded settings
     */
    public record InstanceSettings(ParameterSelector parameters, Set<InstanceAttribution.Method> methods, double damping,
                                   double scale, int depth, double depthFactor, int batchSize, int repeats, long seed, double tolerance) {
        public InstanceSettings {
            if (methods.isEmpty()) throw new IllegalArgumentException("instance attribution: no method chosen");
            if (scale < 0) throw new IllegalArgumentException("LiSSA: scale " + scale + " must be positive, or 0 to choose one");
            if (depth < 0 || !(depthFactor >= 0) || (depth > 0) == (depthFactor > 0)) {
                throw new IllegalArgumentException("LiSSA: give a fixed depth or a depth factor, exactly one of them positive; got depth " + depth
                        + " and depth factor " + depthFactor);
            }
            if (!(tolerance > 0)) throw new IllegalArgumentException("LiSSA: convergence tolerance " + tolerance + " must be positive");
        }

        /** A fixed depth and the default tolerance ({@link LissaConfig#DEFAULT_TOLERANCE}). */
        public InstanceSettings(ParameterSelector parameters, Set<InstanceAttribution.Method> methods, double damping, double scale, int depth,
                                int batchSize, int repeats, long seed) {
            this(parameters, methods, damping, scale, depth, 0, batchSize, repeats, seed, LissaConfig.DEFAULT_TOLERANCE);
        }
    }

    private final Path dir;
    private final LanguageModel classifier;
    /** Each instance as its sequences (one, or one per choice) and its label (or answer index). */
    private record Instances(List<int[][]> sequences, int[] labels) {
        static Instances of(List<EncodedExample> split) {
            return new Instances(split.stream().map(e -> new int[][] {e.ids()}).toList(), split.stream().mapToInt(EncodedExample::label).toArray());
        }

        static Instances ofChoices(List<EncodedChoices> split) {
            return new Instances(split.stream().map(EncodedChoices::choices).toList(), split.stream().mapToInt(EncodedChoices::answer).toArray());
        }

        int size() {
            return labels.length;
        }

        /** The one sequence of each instance of a classification task. */
        List<int[]> single() {
            return sequences.stream().map(s -> s[0]).toList();
        }

        /** Every sequence, instance after instance. */
        List<int[]> flat() {
            return sequences.stream().flatMap(Arrays::stream).toList();
        }

        String fingerprint() {
            List<Object> rows = new ArrayList<>(size());
            for (int i = 0; i < size(); i++) rows.add(List.of(sequences.get(i), labels[i]));
            return Fingerprint.of(rows);
        }
    }

    private final Instances train, test;
    private final boolean choices;
    private final Map<String, Object> inputs;
    private final boolean quiet;

    /**
     * A sequence classifier's attributions.
     *
     * @param inputs what the model and data are (paths, task, ...): recorded with every result so that a resume
     *               against other inputs is refused
     */
    public AttributionRun(Path dir, LanguageModel classifier, List<EncodedExample> train, List<EncodedExample> test, Map<String, Object> inputs,
                          boolean quiet) {
        this(dir, classifier, Instances.of(train), Instances.of(test), false, inputs, quiet);
    }

    /**
     * A listwise multiple-choice scorer's attributions (a one-label classifier that scores each choice's sequence):
     * IA differentiates the softmax over an instance's choice scores; NA explains the predicted choice's probability
     * on its sequence ({@link NeuronAttributor#integratedGradientsOfChoice}).
     */
    public static AttributionRun ofChoices(Path dir, LanguageModel scorer, List<EncodedChoices> train, List<EncodedChoices> test,
                                           Map<String, Object> inputs, boolean quiet) {
        return new AttributionRun(dir, scorer, Instances.ofChoices(train), Instances.ofChoices(test), true, inputs, quiet);
    }

    private AttributionRun(Path dir, LanguageModel classifier, Instances train, Instances test, boolean choices, Map<String, Object> inputs,
                           boolean quiet) {
        if (train.size() == 0 || test.size() == 0) throw new IllegalArgumentException("attribution: " + train.size() + " training and " + test.size() + " test instances");
        if (choices && classifier.config().numLabels() != 1) {
            throw new IllegalArgumentException("attribution: a multiple-choice scorer has one label, this classifier " + classifier.config().numLabels());
        }
        this.dir = dir;
        this.classifier = classifier;
        this.train = train;
        this.test = test;
        this.choices = choices;
        Map<String, Object> in = new LinkedHashMap<>(inputs);
        in.put("train_fingerprint", train.fingerprint());
        in.put("test_fingerprint", test.fingerprint());
        this.inputs = in;
        this.quiet = quiet;
    }

    public Path dir() {
        return dir;
    }

    // ---------------------------------------------------------------- instance attribution

    /** Computes (or completes) the IA score matrices; returns each method's matrix ({@link RowMatrix#load}). */
    public Map<InstanceAttribution.Method, Path> instanceAttribution(InstanceSettings s) {
        ParameterSubset params = ParameterSubset.select(classifier.parameters(), s.parameters());
        InstanceLoss trainLoss, testLoss;
        double scale = s.scale();
        if (params.names().equals(List.of(ParameterSelector.HEAD))) {
            // The head's gradients need only the final hidden states: one batched pass per split, not one per gradient.
            double[][] hTrain = Classifiers.pooledHidden(classifier, train.flat()), hTest = Classifiers.pooledHidden(classifier, test.flat());
            trainLoss = headLoss(params.tensors().get(0), hTrain, train);
            testLoss = headLoss(params.tensors().get(0), hTest, test);
            if (scale == 0) {
                // An instance's head Hessian is J^T A J, with A the softmax covariance (eigenvalues at most 1/2) and J
                // its hidden states (one row per choice), so its eigenvalues are at most 1/2 of sum_j |h_j|^2.
                double largest = 0;
                for (int i = 0, row = 0; i < train.size(); i++) {
                    double sum = 0;
                    for (int j = 0; j < train.sequences().get(i).length; j++, row++) sum += dot(hTrain[row], hTrain[row]);
                    largest = Math.max(largest, sum);
                }
                scale = 0.55 * largest;
            }
        } else {
            trainLoss = modelLoss(train);
            testLoss = modelLoss(test);
            if (scale == 0 && s.methods().contains(InstanceAttribution.Method.INFLUENCE)) {
                scale = Lissa.suggestScale(new Derivatives(trainLoss, params), positions(train.size()), s.batchSize(), s.seed());
            }
        }
        LissaConfig lissa = new LissaConfig(s.damping(), scale == 0 ? 1 : scale, s.depthFactor(), s.depth(), s.batchSize(), s.repeats(), s.seed(),
                LissaConfig.BatchOrder.SHUFFLED, 10, s.tolerance());
        if (s.methods().contains(InstanceAttribution.Method.INFLUENCE) && lissa.depth(train.size()) < 1) {
            // Before anything is written: a folder holding these settings would refuse the corrected ones.
            throw new IllegalArgumentException("LiSSA: depth factor " + s.depthFactor() + " gives no recursion step for " + train.size()
                    + " training instances in batches of " + s.batchSize() + "; raise it or give a fixed depth");
        }
        InstanceAttribution.Options options = new InstanceAttribution.Options(s.methods(), lissa, InstanceAttribution.Sign.PAPER, inputs, quiet);
        Map<InstanceAttribution.Method, Path> out = new InstanceAttribution(params, trainLoss, positions(train.size()), testLoss, positions(test.size()))
                .run(dir.resolve("ia"), options);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("parameters", params.describe());
        info.put("methods", s.methods().stream().map(Enum::name).toList());
        if (s.methods().contains(InstanceAttribution.Method.INFLUENCE)) {
            info.put("lissa_damping", lissa.damping());
            info.put("lissa_scale", lissa.scale());
            info.put("lissa_lambda", lissa.lambda());
            info.put("lissa_depth", lissa.depth(train.size()));
            info.put("lissa_depth_factor", s.depthFactor());
            info.put("lissa_batch", s.batchSize());
            info.put("lissa_convergence", lissaConvergence(s.tolerance()).describe());
        }
        writeJson(dir.resolve("ia/info.json"), info);
        return out;
    }

    /**
     * How many of the LiSSA recursions in this folder converged ({@link Lissa.Trace#converged}), under
     * {@code tolerance} (pass the settings' {@link InstanceSettings#tolerance()}): recomputed from
     * {@code ia/lissa_trace.jsonl}, one recursion per test instance and repeat. {@link #instanceAttribution} also
     * writes it to {@code ia/info.json} as {@code lissa_convergence}.
     *
     * @throws IllegalStateException when the folder has no LiSSA traces (influence was not computed)
     */
    public LissaConvergence lissaConvergence(double tolerance) {
        return InstanceAttribution.convergence(dir.resolve("ia"), tolerance);
    }

    /** The head-only loss of a split from its hidden states (one per sequence, in {@link Instances#flat} order). */
    private InstanceLoss headLoss(Tensor head, double[][] hidden, Instances split) {
        if (!choices) return new HeadOnlyLoss(head, hidden, split.labels());
        double[][][] perInstance = new double[split.size()][][];
        for (int i = 0, row = 0; i < split.size(); i++) {
            int n = split.sequences().get(i).length;
            perInstance[i] = Arrays.copyOfRange(hidden, row, row + n);
            row += n;
        }
        return new ChoiceHeadLoss(head, perInstance, split.labels());
    }

    private InstanceLoss modelLoss(Instances split) {
        return choices ? ModelLoss.choices(classifier, split.sequences(), split.labels()) : ModelLoss.classification(classifier, split.single(), split.labels());
    }

    /** IA scores {@code [test][train]} of one method. */
    public double[][] instanceScores(InstanceAttribution.Method method) {
        try (RowMatrix m = RowMatrix.load(InstanceAttribution.matrixPath(dir.resolve("ia"), method, InstanceAttribution.Sign.PAPER))) {
            if (!m.isComplete()) throw new IllegalStateException(m.spec().method() + " scores in " + dir.resolve("ia") + " are incomplete; rerun to finish them");
            return m.testMajor();
        }
    }

    // ---------------------------------------------------------------- neuron attribution

    /**
     * Integrated gradients of every instance of {@code split} not yet in its log, with the neurons {@code settings}
     * selects. {@code keepRows}: the records also carry the full {@code [layer][neuron]} attributions.
     *
     * @return how many instances this call attributed (the others were in the log already)
     */
    public int neuronAttribution(Split split, NeuronSettings settings, boolean keepRows) {
        Instances examples = instances(split);
        Path file = dir.resolve("na/" + split.file + ".jsonl");
        Map<String, Object> identity = new LinkedHashMap<>(settings.describe());
        identity.put("inputs", inputs);
        identity.put("keep_rows", keepRows);
        RecordedSettings.claim(dir.resolve("na/" + split.file + ".settings.json"), identity,
                "use another output folder, or delete na/" + split.file + ".* to start the step over");
        boolean[] done = new boolean[examples.size()];
        int[] count = {0};
        try (RecordLog log = RecordLog.open(file, r -> {
            int id = ((Number) r.get("id")).intValue();
            if (id >= 0 && id < done.length && !done[id]) {
                done[id] = true;
                count[0]++;
            }
        })) {
            Progress progress = Progress.start("NA " + split.file + " instances", examples.size(), count[0], quiet);
            for (int i = 0; i < examples.size(); i++) {
                if (done[i]) continue;
                int[][] sequences = examples.sequences().get(i);
                int label = examples.labels()[i];
                log.append((choices ? NeuronAttributor.attributeChoice(classifier, i, sequences, label, settings.ig(), settings.selection(), keepRows)
                        : NeuronAttributor.attribute(classifier, i, sequences[0], label, settings.ig(), settings.selection(), keepRows)).toRecord());
                progress.advance();
            }
        }
        return examples.size() - count[0];
    }

    /** The neuron records of a split, by position; every position must be present. */
    public List<InstanceNeurons> neuronRecords(Split split) {
        return neuronRecords(dir, split, instances(split).size());
    }

    /** The selected neurons of every instance of a split, by position. */
    public List<NeuronAttribution> neurons(Split split) {
        return neuronRecords(split).stream().map(InstanceNeurons::selected).toList();
    }

    static List<InstanceNeurons> neuronRecords(Path dir, Split split, int n) {
        Path file = dir.resolve("na/" + split.file + ".jsonl");
        if (!Files.exists(file)) throw new IllegalStateException("no neuron attributions of the " + split.file + " split in " + dir + "; run that step first");
        InstanceNeurons[] byPosition = new InstanceNeurons[n];
        for (Map<String, Object> r : RecordLog.readAll(file)) {
            InstanceNeurons rec = InstanceNeurons.fromRecord(r);
            int id = rec.selected().instanceId();
            if (id < 0 || id >= n) throw new IllegalStateException(file + ": record for instance " + id + " outside the split's " + n);
            byPosition[id] = rec;
        }
        for (int i = 0; i < n; i++) {
            if (byPosition[i] == null) throw new IllegalStateException(file + " has no record for instance " + i + "; rerun to complete it");
        }
        return List.of(byPosition);
    }

    // ---------------------------------------------------------------- bridges

    /** NA-Instances scores of every test instance against every training instance, from both splits' neurons. */
    public Path naInstances(int testNeurons) {
        List<NeuronAttribution> trainNeurons = neurons(Split.TRAIN), testNeuronsOf = neurons(Split.TEST);
        NaInstances na = new NaInstances(trainNeurons, testNeurons);
        Path base = dir.resolve("bridge/na_instances");
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("test_neurons", testNeurons);
        identity.put("inputs", inputs);
        try (RowMatrix m = RowMatrix.open(base, new RowMatrix.Spec("na_instances", RowMatrix.TEST, positions(test.size()), RowMatrix.TRAIN,
                positions(train.size()), RowMatrix.DType.F64, identity))) {
            for (int t = 0; t < test.size(); t++) if (!m.isDone(t)) m.write(t, na.scores(testNeuronsOf.get(t)));
        }
        return base;
    }

    /** NA-Instances scores {@code [test][train]}. */
    public double[][] naInstanceScores() {
        try (RowMatrix m = RowMatrix.load(dir.resolve("bridge/na_instances"))) {
            return m.testMajor();
        }
    }

    /**
     * IA-Neurons of every test instance for each IA method given: the strongest neuron of each of its top {@code k}
     * training instances. Written to {@code bridge/ia_neurons.json} as {@code {method: [["layer-neuron", ...], ...]}}.
     */
    public Map<InstanceAttribution.Method, List<List<Neuron>>> iaNeurons(List<InstanceAttribution.Method> methods, int k) {
        List<NeuronAttribution> trainNeurons = neurons(Split.TRAIN);
        Map<InstanceAttribution.Method, List<List<Neuron>>> out = new EnumMap<>(InstanceAttribution.Method.class);
        Map<String, Object> json = new LinkedHashMap<>();
        for (InstanceAttribution.Method method : methods) {
            List<List<Neuron>> perTest = new ArrayList<>();
            for (double[] row : instanceScores(method)) perTest.add(IaNeurons.forTest(row, trainNeurons, k));
            out.put(method, perTest);
            json.put(method.fileName(), perTest.stream().map(ns -> ns.stream().map(Neuron::toString).toList()).toList());
        }
        writeJson(dir.resolve("bridge/ia_neurons.json"), json);
        return out;
    }

    /** The IA-Neurons of one method as {@link #iaNeurons(List, int)} stored them. */
    public List<List<Neuron>> iaNeurons(InstanceAttribution.Method method) {
        Path file = dir.resolve("bridge/ia_neurons.json");
        Object lists;
        try {
            lists = ((Map<?, ?>) Json.parse(Files.readString(file, StandardCharsets.UTF_8))).get(method.fileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + "; run the IA-Neurons step first", e);
        }
        if (lists == null) throw new IllegalStateException(file + " holds no IA-Neurons of " + method.fileName());
        List<List<Neuron>> out = new ArrayList<>();
        for (Object row : (List<?>) lists) out.add(((List<?>) row).stream().map(k -> Neuron.parse((String) k)).toList());
        return out;
    }

    // ---------------------------------------------------------------- plumbing

    private Instances instances(Split split) {
        return split == Split.TRAIN ? train : test;
    }

    private static void writeJson(Path file, Object value) {
        AtomicFiles.writeString(file, Json.write(value) + "\n");
    }

    private static int[] positions(int n) {
        return IntStream.range(0, n).toArray();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
