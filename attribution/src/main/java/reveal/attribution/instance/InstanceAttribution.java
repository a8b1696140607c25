package reveal.attribution.instance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import reveal.attribution.store.Progress;
import reveal.attribution.store.RecordLog;
import reveal.attribution.store.RowMatrix;
import reveal.engine.Tensor;

/**
 * Instance attribution over a whole training set, written as it goes and resumable: gradient similarity (dot and
 * cosine of per-example loss gradients) and influence functions with LiSSA, over any {@link ParameterSubset}.
 *
 * <p>The test side is computed first and kept in memory ({@code n_test x P} values): the test gradients, and for
 * influence the inverse-HVPs, which are also stored ({@code ihvp.bin}, float64, one row per test instance) with
 * their LiSSA convergence traces ({@code lissa_trace.jsonl}; a test resumed after a crash may have two traces, the
 * last one counts; {@link #convergence} reads them back). Then the training set is streamed: each training gradient is computed once, scored against all
 * test vectors with one matrix-vector product per method, and written as one row of each score matrix
 * (train-major: row = training instance, column = test instance). At most one training gradient is held at a time.
 *
 * <p><b>Sign convention.</b> Influence scores are {@code ihvp_t . grad L(z)} without a minus sign, as in the paper's
 * code: larger = more helpful (up-weighting z lowers the test loss), and every consumer ranks descending.
 * {@link Sign#KOH_LIANG} stores {@code -ihvp_t . grad L(z)}, Koh & Liang's predicted change of the test loss.
 */
public final class InstanceAttribution {
    public static final String IHVP = "ihvp", LISSA_TRACE = "lissa_trace.jsonl";

    public enum Method {
        GRADIENT_DOT("gs_dot"), GRADIENT_COSINE("gs_cosine"), INFLUENCE("influence");

        final String file;

        Method(String file) {
            this.file = file;
        }

        /** The score matrix's name in an output folder. */
        public String fileName() {
            return file;
        }
    }

    public enum Sign { PAPER, KOH_LIANG }

    /**
     * @param methods       what to compute
     * @param lissa         LiSSA settings (needed for {@link Method#INFLUENCE})
     * @param influenceSign sign of the stored influence scores
     * @param inputs        a description of the model and data (checkpoint, dataset, split, ...) recorded in the
     *                      manifests, so that a resume against other inputs is refused
     * @param quiet         no progress lines on stderr
     */
    public record Options(Set<Method> methods, LissaConfig lissa, Sign influenceSign, Map<String, Object> inputs, boolean quiet) {
        public Options {
            methods = methods.isEmpty() ? EnumSet.noneOf(Method.class) : EnumSet.copyOf(methods);
            if (methods.contains(Method.INFLUENCE) && lissa == null) throw new IllegalArgumentException("instance attribution: influence needs LiSSA settings");
            inputs = inputs == null ? Map.of() : inputs;
        }

        public static Options gradientSimilarity(Map<String, Object> inputs) {
            return new Options(EnumSet.of(Method.GRADIENT_DOT, Method.GRADIENT_COSINE), null, Sign.PAPER, inputs, false);
        }

        public static Options influence(LissaConfig lissa, Map<String, Object> inputs) {
            return new Options(EnumSet.of(Method.INFLUENCE), lissa, Sign.PAPER, inputs, false);
        }

        public Options with(Method... more) {
            Set<Method> m = EnumSet.copyOf(methods);
            m.addAll(List.of(more));
            return new Options(m, lissa, influenceSign, inputs, quiet);
        }

        public Options withLissa(LissaConfig l) {
            return new Options(methods, l, influenceSign, inputs, quiet);
        }

        public Options withSign(Sign s) {
            return new Options(methods, lissa, s, inputs, quiet);
        }

        public Options quietly() {
            return new Options(methods, lissa, influenceSign, inputs, true);
        }
    }

    private final ParameterSubset params;
    private final Derivatives train, test;
    private final int[] trainIds, testIds;

    /** {@code trainIds}/{@code testIds} are the instance ids passed to the two losses, in score-matrix order. */
    public InstanceAttribution(ParameterSubset params, InstanceLoss train, int[] trainIds, InstanceLoss test, int[] testIds) {
        if (trainIds.length == 0 || testIds.length == 0) throw new IllegalArgumentException("instance attribution: " + trainIds.length + " training and " + testIds.length + " test instances");
        this.params = params;
        this.train = new Derivatives(train, params);
        this.test = new Derivatives(test, params);
        this.trainIds = trainIds.clone();
        this.testIds = testIds.clone();
    }

    /** The score matrix of {@code method} under {@code dir}. */
    public static Path matrixPath(Path dir, Method method, Sign sign) {
        return dir.resolve(name(method, sign));
    }

    /** The matrix's file and method name; the sign of influence scores is part of it. */
    private static String name(Method method, Sign sign) {
        return method == Method.INFLUENCE && sign == Sign.KOH_LIANG ? method.file + "_koh_liang" : method.file;
    }

    /**
     * Computes the requested methods into {@code dir}, continuing from whatever an earlier run with the same
     * settings left there, and returns the base path of each score matrix ({@link RowMatrix#load}).
     */
    public Map<Method, Path> run(Path dir, Options options) {
        Map<Method, Path> paths = new EnumMap<>(Method.class);
        Map<Method, RowMatrix> outputs = new EnumMap<>(Method.class);
        try {
            for (Method m : options.methods()) {
                Path p = matrixPath(dir, m, options.influenceSign());
                paths.put(m, p);
                outputs.put(m, RowMatrix.open(p, new RowMatrix.Spec(name(m, options.influenceSign()), RowMatrix.TRAIN, trainIds, RowMatrix.TEST, testIds,
                        RowMatrix.DType.F32, settings(options, m == Method.INFLUENCE))));
            }
            if (outputs.values().stream().allMatch(RowMatrix::isComplete)) return paths;
            // Only methods with rows left need their test side.
            Map<Method, TestVectors> sides = new EnumMap<>(Method.class);
            TestVectors grads = null;
            for (Method m : List.of(Method.GRADIENT_DOT, Method.GRADIENT_COSINE)) {
                if (!outputs.containsKey(m) || outputs.get(m).isComplete()) continue;
                if (grads == null) grads = new TestVectors(testGradients(options.quiet()));
                sides.put(m, grads);
            }
            if (outputs.containsKey(Method.INFLUENCE) && !outputs.get(Method.INFLUENCE).isComplete()) {
                sides.put(Method.INFLUENCE, inverseHvps(dir, options));
            }
            scoreTrainingSet(outputs, sides, options);
            return paths;
        } finally {
            outputs.values().forEach(RowMatrix::close);
        }
    }

    /** What a stored matrix depends on: the parameters, the inputs, and for influence the LiSSA settings. */
    private Map<String, Object> settings(Options options, boolean influence) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("parameters", params.describe());
        s.put("inputs", options.inputs());
        if (influence) s.put("lissa", options.lissa().describe());
        return s;
    }

    private List<Tensor> testGradients(boolean quiet) {
        Progress progress = Progress.start("IA test gradients", testIds.length, 0, quiet);
        List<Tensor> rows = new ArrayList<>();
        for (int id : testIds) {
            rows.add(test.gradient(id));
            progress.advance();
        }
        return rows;
    }

    /** LiSSA for every test instance not yet in {@code ihvp.bin}; all rows are then loaded as the test side. */
    private TestVectors inverseHvps(Path dir, Options options) {
        int[] paramIds = IntStream.range(0, params.size()).toArray();
        try (RowMatrix ihvp = RowMatrix.open(dir.resolve(IHVP), new RowMatrix.Spec("lissa_ihvp", RowMatrix.TEST, testIds,
                     RowMatrix.PARAMETER, paramIds, RowMatrix.DType.F64, settings(options, true)));
             RecordLog traces = RecordLog.open(dir.resolve(LISSA_TRACE), r -> { })) {
            Progress progress = Progress.start("IA LiSSA inverse-HVPs (depth " + options.lissa().depth(trainIds.length) + ")",
                    testIds.length, ihvp.doneCount(), options.quiet());
            for (int t = 0; t < testIds.length; t++) {
                if (ihvp.isDone(t)) continue;
                Lissa.Result r = Lissa.inverseHvp(train, trainIds, test.gradient(testIds[t]), options.lissa());
                for (Lissa.Trace tr : r.traces()) traces.append(traceRecord(t, tr, options.lissa().tolerance()));
                if (r.diverged()) throw diverged(dir, t, r, options.lissa());
                ihvp.write(t, r.ihvp().toDoubleArray());
                progress.advance();
            }
            List<Tensor> rows = new ArrayList<>();
            Tensor like = params.tensors().get(0);
            for (int t = 0; t < testIds.length; t++) rows.add(Tensor.of(like.backend(), ihvp.read(t), params.size()));
            return new TestVectors(rows);
        }
    }

    /**
     * The convergence of the LiSSA recursions whose traces {@code dir} holds ({@code lissa_trace.jsonl}), recomputed
     * from the stored norms under {@code tolerance}: one recursion per test row and repeat, the last trace written
     * for it (a resumed test may have two).
     *
     * @throws IllegalStateException when {@code dir} holds no traces (influence was not computed there)
     */
    public static LissaConvergence convergence(Path dir, double tolerance) {
        Path file = dir.resolve(LISSA_TRACE);
        if (!java.nio.file.Files.exists(file)) throw new IllegalStateException("no LiSSA traces in " + dir + "; compute influence first");
        Map<List<Integer>, Lissa.Trace> last = new LinkedHashMap<>();
        for (Map<String, Object> r : RecordLog.readAll(file)) {
            int repeat = ((Number) r.get("repeat")).intValue();
            List<?> norms = (List<?>) r.get("norms");
            double[] n = new double[norms.size()];
            for (int i = 0; i < n.length; i++) n[i] = norms.get(i) == null ? Double.NaN : ((Number) norms.get(i)).doubleValue();
            last.put(List.of(((Number) r.get("test_row")).intValue(), repeat),
                    new Lissa.Trace(repeat, n, ((Number) r.get("bound")).doubleValue(), Boolean.TRUE.equals(r.get("diverged"))));
        }
        return LissaConvergence.of(last.values(), tolerance);
    }

    /**
     * One line of {@code lissa_trace.jsonl}: {@code test_row, test_id, repeat, steps, diverged, bound,
     * relative_change} ({@link Lissa.Trace#relativeChange()}, null when not a number){@code , converged} (under the
     * tolerance of the run that wrote it){@code , norms}.
     */
    private Map<String, Object> traceRecord(int row, Lissa.Trace tr, double tolerance) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("test_row", row);
        rec.put("test_id", testIds[row]);
        rec.put("repeat", tr.repeat());
        rec.put("steps", tr.steps());
        rec.put("diverged", tr.diverged());
        rec.put("bound", tr.bound());
        rec.put("relative_change", tr.relativeChange());
        rec.put("converged", tr.converged(tolerance));
        rec.put("norms", tr.norms());
        return rec;
    }

    private IllegalStateException diverged(Path dir, int row, Lissa.Result r, LissaConfig cfg) {
        Lissa.Trace tr = r.traces().stream().filter(Lissa.Trace::diverged).findFirst().orElseThrow();
        double last = tr.norms()[tr.steps()];
        return new IllegalStateException(String.format(Locale.ROOT,
                "LiSSA diverged for test instance %d (repeat %d) at step %d: |v| = %.4g exceeds the bound %.4g (divergence_factor * |g| / damping). "
                        + "The recursion needs scale above the largest Hessian eigenvalue: raise scale (now %g) or damping (now %g). Trace in %s",
                testIds[row], tr.repeat(), tr.steps(), last, tr.bound(), cfg.scale(), cfg.damping(), dir.resolve(LISSA_TRACE)));
    }

    private void scoreTrainingSet(Map<Method, RowMatrix> outputs, Map<Method, TestVectors> sides, Options options) {
        int done = 0;
        for (int z = 0; z < trainIds.length; z++) if (allDone(outputs, z)) done++;
        Progress progress = Progress.start("IA scoring training instances", trainIds.length, done, options.quiet());
        double sign = options.influenceSign() == Sign.KOH_LIANG ? -1 : 1;
        for (int z = 0; z < trainIds.length; z++) {
            if (allDone(outputs, z)) continue;
            Tensor g = train.gradient(trainIds[z]);
            for (Map.Entry<Method, RowMatrix> e : outputs.entrySet()) {
                if (e.getValue().isDone(z)) continue;
                TestVectors side = sides.get(e.getKey());
                double[] row = switch (e.getKey()) {
                    case GRADIENT_DOT -> side.dot(g);
                    case GRADIENT_COSINE -> side.cosine(g);
                    case INFLUENCE -> scaled(side.dot(g), sign);
                };
                e.getValue().write(z, row);
            }
            progress.advance();
        }
    }

    private static boolean allDone(Map<Method, RowMatrix> outputs, int row) {
        return outputs.values().stream().allMatch(m -> m.isDone(row));
    }

    private static double[] scaled(double[] v, double s) {
        if (s != 1) for (int i = 0; i < v.length; i++) v[i] *= s;
        return v;
    }
}
