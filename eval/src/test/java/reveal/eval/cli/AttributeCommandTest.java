package reveal.eval.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.attribution.bridge.IaNeurons;
import reveal.attribution.bridge.NaInstances;
import reveal.attribution.bridge.Neuron;
import reveal.attribution.bridge.NeuronAttribution;
import reveal.attribution.neuron.InstanceNeurons;
import reveal.attribution.store.RecordLog;
import reveal.attribution.store.RowMatrix;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.io.Json;
import reveal.eval.knowledge.KnownAnswerTask;
import reveal.model.Classifiers;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.train.LanguageModelTrainable;
import reveal.opencl.OpenClDevices;

/**
 * {@code ./reveal attribute ia|na|na-instances|ia-neurons} on task files, checked against independent computations:
 * the head-only gradient-similarity closed form, NA-Instances and IA-Neurons recomputed from the written neuron
 * records, and the single-sequence {@code na --ids} form; the same results on OpenCL; resuming, and refusing a folder
 * made with other settings.
 */
class AttributeCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static String train, test;

    /** stories260K with a seeded two-class head (untrained: the attributions' mechanics do not need a good model). */
    @BeforeAll
    static void classifierAndTask() {
        Path embedded = EmbeddedModel.stories260K();
        LanguageModel lm = LanguageModel.load(embedded.resolve("hf_llama_layout"), new CpuBackend(1));
        model = dir.resolve("model");
        LanguageModelTrainable.classifier(Classifiers.withNewHead(lm, List.of("supported", "refuted"), 5), List.of(embedded.resolve("tok512.bin")))
                .save(model);
        KnownAnswerTask.generate(7, new KnownAnswerTask.Sizes(4, 2, 4, 6)).write(dir.resolve("task"));
        train = dir.resolve("task/train.jsonl").toString();
        test = dir.resolve("task/test.jsonl").toString();
    }

    @Test
    void gradientSimilarityMatchesTheHeadOnlyClosedForm() {
        Path out = dir.resolve("ia");
        Map<String, Object> summary = attribute(0, "ia", "--out", out.toString(), "--methods", "gs_dot,gs_cosine");
        assertEquals(32, ((Number) summary.get("train")).intValue());
        assertEquals(6, ((Number) summary.get("test")).intValue());

        // d CE / d W = (softmax(W h) - onehot(y)) h^T, so the dot of two gradients is (r_z . r_t)(h_z . h_t).
        LanguageModel classifier = LanguageModel.load(model, new CpuBackend(1));
        double[][] w = weights(classifier);
        List<int[]> trainIds = new ArrayList<>(), testIds = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>(), testLabels = new ArrayList<>();
        readInputs(out, "train", trainIds, trainLabels);
        readInputs(out, "test", testIds, testLabels);
        double[][] hTrain = Classifiers.pooledHidden(classifier, trainIds), hTest = Classifiers.pooledHidden(classifier, testIds);
        double[][] dot = load(out.resolve("ia/gs_dot")), cosine = load(out.resolve("ia/gs_cosine"));
        for (int z = 0; z < hTrain.length; z++) {
            double[] rz = residual(w, hTrain[z], trainLabels.get(z));
            for (int t = 0; t < hTest.length; t++) {
                double[] rt = residual(w, hTest[t], testLabels.get(t));
                double expected = dot(rz, rt) * dot(hTrain[z], hTest[t]);
                double norms = Math.sqrt(dot(rz, rz) * dot(hTrain[z], hTrain[z]) * dot(rt, rt) * dot(hTest[t], hTest[t]));
                assertEquals(expected, dot[z][t], 1e-4 * Math.abs(expected) + 1e-7, "gs_dot[" + z + "][" + t + "]");
                assertEquals(expected / norms, cosine[z][t], 1e-4, "gs_cosine[" + z + "][" + t + "]");
            }
        }
    }

    @Test
    void naInstancesAndIaNeuronsFollowFromTheWrittenNeuronRecords() {
        Path out = dir.resolve("bridges");
        attribute(0, "na-instances", "--out", out.toString(), "--steps", "3", "--quadrature", "right", "--neurons", "post");
        List<NeuronAttribution> trainNeurons = neurons(out.resolve("na/train.jsonl"), 32), testNeurons = neurons(out.resolve("na/test.jsonl"), 6);
        NaInstances na = new NaInstances(trainNeurons);
        double[][] written;
        try (RowMatrix m = RowMatrix.load(out.resolve("bridge/na_instances"))) {
            written = m.readAll();
        }
        for (int t = 0; t < 6; t++) assertArrayEquals(na.scores(testNeurons.get(t)), written[t], 1e-12, "NA-Instances row " + t);

        // The file form's test records carry the same attributions as the single-sequence form.
        InstanceNeurons first = InstanceNeurons.fromRecord(RecordLog.readAll(out.resolve("na/test.jsonl")).stream()
                .filter(r -> ((Number) r.get("id")).intValue() == 0).findFirst().orElseThrow());
        List<int[]> ids = new ArrayList<>();
        readInputs(out, "test", ids, new ArrayList<>());
        String idList = String.join(",", java.util.Arrays.stream(ids.get(0)).mapToObj(Integer::toString).toList());
        Map<String, Object> single = attributeRaw(0, "na", "--model", model.toString(), "--ids", idList, "--target", Integer.toString(first.target()),
                "--steps", "3", "--quadrature", "right", "--neurons", "post", "--device", "cpu:1");
        List<?> rows = (List<?>) single.get("attributions");
        for (int l = 0; l < rows.size(); l++) assertArrayEquals(first.rows()[l], Json.doubles((List<?>) rows.get(l)), 1e-9, "layer " + l);

        // IA-Neurons reuse the neuron records already there and add the IA scores.
        attribute(0, "ia-neurons", "--out", out.toString(), "--steps", "3", "--quadrature", "right", "--neurons", "post", "--methods", "gs_dot", "--k", "4");
        double[][] gsDot;
        try (RowMatrix m = RowMatrix.load(out.resolve("ia/gs_dot"))) {
            gsDot = m.testMajor();
        }
        Map<String, Object> iaNeurons = Json.parseObject(read(out.resolve("bridge/ia_neurons.json")));
        List<?> perTest = (List<?>) iaNeurons.get("gs_dot");
        for (int t = 0; t < 6; t++) {
            List<String> expected = IaNeurons.forTest(gsDot[t], trainNeurons, 4).stream().map(Neuron::toString).toList();
            assertEquals(expected, perTest.get(t), "IA-Neurons of test " + t);
        }
    }

    @Test
    void multipleChoiceGradientSimilarityMatchesTheListwiseClosedForm() throws Exception {
        Path embedded = EmbeddedModel.stories260K();
        Path scorer = dir.resolve("scorer");
        LanguageModel lm = LanguageModel.load(embedded.resolve("hf_llama_layout"), new CpuBackend(1));
        LanguageModelTrainable.classifier(Classifiers.withNewHead(lm, List.of("score"), 9), List.of(embedded.resolve("tok512.bin"))).save(scorer);
        String[] words = {"cat", "dog", "tree", "ball", "sun", "moon", "park", "cake"};
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            List<String> texts = new ArrayList<>();
            for (int j = 0; j < 5; j++) texts.add(words[(i + j * 3) % words.length]);
            jsonl.append(Json.write(Map.of("id", "q" + i, "question", "Where did the " + words[i] + " go?", "answerKey", "ABCDE".substring(i % 5, i % 5 + 1),
                    "choices", Map.of("label", List.of("A", "B", "C", "D", "E"), "text", texts)))).append('\n');
        }
        Path data = dir.resolve("csqa.jsonl");
        Files.writeString(data, jsonl);
        Path out = dir.resolve("choice");
        String[] common = {"--model", scorer.toString(), "--task", "choice", "--train", data.toString(), "--test", data.toString(), "--limit-test", "3",
                "--max-len", "64", "--device", "cpu:1", "--out", out.toString()};
        run(0, concat(new String[] {"attribute", "ia"}, concat(common, "--methods", "gs_dot", "--lissa-depth", "2")));
        Map<String, Object> na = run(0, concat(new String[] {"attribute", "na"}, concat(common, "--split", "test", "--steps", "2")));
        assertEquals(3, ((Number) na.get("test")).intValue());

        // Each choice scores s_j = w . h_j; dL/dw = sum_j (softmax(s)_j - [j = answer]) h_j; GS is the dot of two such.
        LanguageModel model = LanguageModel.load(scorer, new CpuBackend(1));
        double[] w = weights(model)[0];
        Map<String, Object> inputs = Json.parseObject(read(out.resolve("inputs.json")));
        List<double[]> trainGrads = choiceGradients(model, w, (List<?>) inputs.get("train")), testGrads = choiceGradients(model, w, (List<?>) inputs.get("test"));
        double[][] dot = load(out.resolve("ia/gs_dot"));
        for (int z = 0; z < trainGrads.size(); z++) {
            for (int t = 0; t < testGrads.size(); t++) {
                double[] gz = trainGrads.get(z), gt = testGrads.get(t);
                double expected = dot(gz, gt);
                // Float32 on both sides: relative to the gradients' norms (a near-orthogonal pair loses digits).
                assertEquals(expected, dot[z][t], 1e-3 * Math.sqrt(dot(gz, gz) * dot(gt, gt)), "gs_dot[" + z + "][" + t + "]");
            }
        }
        for (Map<String, Object> r : RecordLog.readAll(out.resolve("na/test.jsonl"))) {
            int predicted = ((Number) r.get("predicted")).intValue();
            assertTrue(predicted >= 0 && predicted < 5, "a record's prediction is a choice index: " + predicted);
        }
    }

    private static List<double[]> choiceGradients(LanguageModel model, double[] w, List<?> rows) {
        List<double[]> out = new ArrayList<>();
        for (Object row : rows) {
            Map<?, ?> r = (Map<?, ?>) row;
            List<int[]> choices = ((List<?>) r.get("choices")).stream().map(c -> Json.ints((List<?>) c)).toList();
            double[][] h = Classifiers.pooledHidden(model, choices);
            // softmax(W h) - onehot with the choices' states as W and the scoring vector as h: the choices' residuals.
            double[] residual = residual(h, w, ((Number) r.get("answer")).intValue());
            double[] g = new double[w.length];
            for (int j = 0; j < h.length; j++) for (int k = 0; k < w.length; k++) g[k] += residual[j] * h[j][k];
            out.add(g);
        }
        return out;
    }

    @Test
    void onOpenClTheScoresAndNeuronsAreTheCpuBackends() {
        Assumptions.assumeTrue(OpenClDevices.available(), () -> "no OpenCL platform: " + OpenClDevices.problem());
        String[] options = {"--methods", "gs_dot,influence", "--lissa-depth", "4", "--steps", "3", "--k", "3", "--limit-train", "12", "--limit-test", "3"};
        Path cpu = dir.resolve("on-cpu"), cl = dir.resolve("on-opencl");
        run(0, withDevice(args("ia-neurons", concat(options, "--out", cpu.toString())), "cpu:1"));
        run(0, withDevice(args("ia-neurons", concat(options, "--out", cl.toString())), "opencl"));
        for (String matrix : List.of("ia/gs_dot", "ia/influence")) {
            double[][] a = load(cpu.resolve(matrix)), b = load(cl.resolve(matrix));
            for (int z = 0; z < a.length; z++) assertArrayEquals(a[z], b[z], 1e-4 * (1 + Math.abs(a[z][0])), matrix + " row " + z);
        }
        List<NeuronAttribution> onCpu = neurons(cpu.resolve("na/train.jsonl"), 12), onCl = neurons(cl.resolve("na/train.jsonl"), 12);
        for (int i = 0; i < 12; i++) {
            assertEquals(onCpu.get(i).predicted(), onCl.get(i).predicted(), "prediction of training instance " + i);
            // Float rounding may swap two near-equal neurons, not more.
            assertTrue(onCpu.get(i).top(2).contains(onCl.get(i).strongest()), "strongest neuron of training instance " + i);
        }
    }

    @Test
    void aRerunResumesAndOtherSettingsAreRefused() {
        Path out = dir.resolve("resume");
        attribute(0, "na", "--out", out.toString(), "--split", "test", "--steps", "2");
        String before = read(out.resolve("na/test.jsonl"));
        Map<String, Object> again = attribute(0, "na", "--out", out.toString(), "--split", "test", "--steps", "2");
        assertEquals(before, read(out.resolve("na/test.jsonl")), "a complete split is not attributed again");
        assertEquals(0, ((Number) ((Map<?, ?>) ((List<?>) again.get("steps")).get(0)).get("computed")).intValue(), "nothing computed on the rerun");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args("na", "--out", out.toString(), "--split", "test", "--steps", "4"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("other settings"), err.toString(StandardCharsets.UTF_8));
        assertEquals(before, read(out.resolve("na/test.jsonl")), "a refused run leaves the records as they were");
    }

    @Test
    void lissaDepthAndDepthFactorExcludeEachOtherAndAnUnknownPresetIsRefused() {
        for (String[] bad : List.of(new String[] {"--lissa-depth", "5", "--lissa-depth-factor", "0.5"},
                new String[] {"--lissa-preset", "opt", "--lissa-depth", "5", "--lissa-depth-factor", "0.5"})) {
            String err = runFailing(2, args("ia", concat(bad, "--methods", "influence", "--out", dir.resolve("conflict").toString())));
            assertEquals("reveal attribute: --lissa-depth N (fixed steps) and --lissa-depth-factor F (steps = ceil(N_train / batch) * F) exclude each other;"
                    + " give one", err.lines().findFirst().orElseThrow());
        }
        String err = runFailing(2, args("ia", "--lissa-preset", "gpt2", "--out", dir.resolve("conflict").toString()));
        assertTrue(err.startsWith("reveal attribute: --lissa-preset gpt2: expected opt, bloom or pythia"), err);
        assertTrue(runFailing(2, args("ia", "--lissa-depth-factor", "0", "--out", dir.resolve("conflict").toString())).contains("positive factor"));
        assertTrue(runFailing(2, args("ia", "--lissa-tolerance", "-1", "--out", dir.resolve("conflict").toString())).contains("--lissa-tolerance"));
        assertFalse(Files.exists(dir.resolve("conflict/ia")), "nothing computed");
    }

    @Test
    void aPresetSetsLissasSettingsAndExplicitOptionsOverrideThem() {
        // BLOOM on a claim task: AVeriTeC's row, damping 0.05, depth factor 0.2, scale 1e5, batch 2.
        Map<String, Object> preset = attribute(0, "ia", "--methods", "influence", "--lissa-preset", "bloom", "--out", dir.resolve("bloom").toString());
        Map<?, ?> lissa = (Map<?, ?>) preset.get("lissa");
        assertEquals("bloom (BLOOM-560m on AVeriTeC)", lissa.get("preset"));
        assertEquals(0.05, ((Number) lissa.get("damping")).doubleValue(), 0);
        assertEquals(1e5, ((Number) lissa.get("scale")).doubleValue(), 0);
        assertEquals(0.2, ((Number) lissa.get("depth_factor")).doubleValue(), 0);
        assertEquals(2, ((Number) lissa.get("batch")).intValue());
        assertEquals(3, ((Number) lissa.get("depth")).intValue(), "int(ceil(32 / 2) * 0.2)");

        // Overridden: damping, the depth (a fixed one replaces the preset's factor) and the scale (chosen from the data).
        Map<String, Object> mixed = attribute(0, "ia", "--methods", "influence", "--lissa-preset", "bloom", "--lissa-damping", "0.3", "--lissa-depth", "7",
                "--lissa-scale", "auto", "--out", dir.resolve("bloom-mixed").toString());
        lissa = (Map<?, ?>) mixed.get("lissa");
        assertEquals(0.3, ((Number) lissa.get("damping")).doubleValue(), 0);
        assertEquals(7, ((Number) lissa.get("depth")).intValue());
        assertEquals(0.0, ((Number) lissa.get("depth_factor")).doubleValue(), 0);
        assertEquals(2, ((Number) lissa.get("batch")).intValue(), "the preset's batch stays");
        double scale = ((Number) lissa.get("scale")).doubleValue();
        assertTrue(scale > 0 && scale < 1e5, "an automatic scale, not the preset's: " + scale);
        assertEquals(6, RecordLog.readAll(dir.resolve("bloom-mixed/ia/lissa_trace.jsonl")).size());
        for (Map<String, Object> r : RecordLog.readAll(dir.resolve("bloom-mixed/ia/lissa_trace.jsonl"))) assertEquals(7L, r.get("steps"));
    }

    @Test
    void unconvergedRecursionsAreCountedAndWarnedAbout() {
        // Three steps at damping 0.05: |v| is still far from its fixed point in every recursion.
        String[] early = args("ia", "--methods", "influence", "--lissa-damping", "0.05", "--lissa-depth", "3", "--out", dir.resolve("early").toString());
        String[] captured = new String[1];
        Map<String, Object> summary = withStderr(captured, () -> run(0, early));
        Map<?, ?> c = (Map<?, ?>) summary.get("lissa_convergence");
        assertEquals(6, ((Number) c.get("recursions")).intValue());
        assertEquals(0, ((Number) c.get("converged")).intValue());
        assertEquals(0, ((Number) c.get("diverged")).intValue());
        assertTrue(((Number) c.get("median_relative_change")).doubleValue() > 0.01, c.toString());
        List<String> warnings = captured[0].lines().filter(l -> l.startsWith("[attribute] warning:")).toList();
        assertEquals(1, warnings.size(), captured[0]);
        assertTrue(warnings.get(0).contains("6 of 6 LiSSA recursions did not converge"), warnings.get(0));
        assertTrue(warnings.get(0).contains("--lissa-depth") && warnings.get(0).contains("--lissa-damping"), warnings.get(0));

        // Full batches (deterministic) at damping 0.5: 60 steps settle every recursion, and nothing is said.
        String[] settled = args("ia", "--methods", "influence", "--lissa-damping", "0.5", "--lissa-depth", "60", "--lissa-batch", "32", "--out",
                dir.resolve("settled").toString());
        summary = withStderr(captured, () -> run(0, settled));
        c = (Map<?, ?>) summary.get("lissa_convergence");
        assertEquals(6, ((Number) c.get("converged")).intValue(), c.toString());
        assertTrue(((Number) c.get("max_relative_change")).doubleValue() < 0.01, c.toString());
        assertFalse(captured[0].contains("warning"), captured[0]);
        // Another tolerance on the same folder (it changes no result, so the folder is reused) re-judges the traces.
        summary = run(0, concat(early, "--lissa-tolerance", "10"));
        assertEquals(6, ((Number) ((Map<?, ?>) summary.get("lissa_convergence")).get("converged")).intValue());
    }

    /** Runs {@code body} with System.err captured into {@code captured[0]}: the warnings go there, not to Main's stream. */
    private static <T> T withStderr(String[] captured, java.util.function.Supplier<T> body) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            return body.get();
        } finally {
            System.setErr(saved);
            captured[0] = buffer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String runFailing(int expectedCode, String[] argv) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expectedCode, code, err.toString(StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- helpers

    private static String[] args(String method, String... more) {
        List<String> a = new ArrayList<>(List.of("attribute", method, "--model", model.toString(), "--task", "claim", "--train", train, "--test", test,
                "--max-len", "64", "--device", "cpu:1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** {@code argv} with its {@code --device} replaced. */
    private static String[] withDevice(String[] argv, String device) {
        String[] out = argv.clone();
        for (int i = 0; i + 1 < out.length; i++) if (out[i].equals("--device")) out[i + 1] = device;
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Map<String, Object> attribute(int expectedCode, String method, String... more) {
        return run(expectedCode, args(method, more));
    }

    private static Map<String, Object> attributeRaw(int expectedCode, String... argv) {
        String[] all = new String[argv.length + 1];
        all[0] = "attribute";
        System.arraycopy(argv, 0, all, 1, argv.length);
        return run(expectedCode, all);
    }

    private static Map<String, Object> run(int expectedCode, String[] argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expectedCode, code, String.join(" ", argv) + " failed: " + err.toString(StandardCharsets.UTF_8));
        return Json.parseObject(out.toString(StandardCharsets.UTF_8));
    }

    private static void readInputs(Path out, String split, List<int[]> ids, List<Integer> labels) {
        for (Object row : (List<?>) Json.parseObject(read(out.resolve("inputs.json"))).get(split)) {
            Map<?, ?> r = (Map<?, ?>) row;
            ids.add(Json.ints((List<?>) r.get("ids")));
            labels.add(((Number) r.get("label")).intValue());
        }
    }

    private static List<NeuronAttribution> neurons(Path file, int n) {
        NeuronAttribution[] out = new NeuronAttribution[n];
        for (Map<String, Object> r : RecordLog.readAll(file)) {
            NeuronAttribution a = InstanceNeurons.fromRecord(r).selected();
            out[a.instanceId()] = a;
        }
        return List.of(out);
    }

    private static double[][] load(Path base) {
        try (RowMatrix m = RowMatrix.load(base)) {
            return m.readAll();
        }
    }

    private static double[][] weights(LanguageModel classifier) {
        reveal.engine.Tensor w = classifier.parameters().get("score.weight");
        double[] flat = w.toDoubleArray();
        int classes = w.dim(0), width = w.dim(1);
        double[][] out = new double[classes][width];
        for (int c = 0; c < classes; c++) System.arraycopy(flat, c * width, out[c], 0, width);
        return out;
    }

    /** softmax(W h) - onehot(label). */
    private static double[] residual(double[][] w, double[] h, int label) {
        double[] logits = new double[w.length];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = 0; c < w.length; c++) max = Math.max(max, logits[c] = dot(w[c], h));
        for (int c = 0; c < w.length; c++) sum += logits[c] = Math.exp(logits[c] - max);
        for (int c = 0; c < w.length; c++) logits[c] = logits[c] / sum - (c == label ? 1 : 0);
        return logits;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
