package reveal.eval.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import reveal.attribution.bridge.NaInstances;
import reveal.attribution.instance.InstanceAttribution;
import reveal.attribution.instance.LissaConfig;
import reveal.attribution.instance.LissaConvergence;
import reveal.attribution.instance.LissaPreset;
import reveal.eval.pipeline.PipelineConfig;
import reveal.attribution.instance.ParameterSelector;
import reveal.attribution.neuron.IgOptions;
import reveal.attribution.neuron.NeuronAttributor;
import reveal.attribution.neuron.Quadrature;
import reveal.attribution.run.AttributionRun;
import reveal.attribution.run.NeuronSettings;
import reveal.attribution.store.AtomicFiles;
import reveal.engine.io.Json;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;
import reveal.model.data.Dataset;
import reveal.model.data.Datasets;
import reveal.model.data.EncodedChoices;
import reveal.model.data.EncodedExample;
import reveal.model.data.PromptEncoder;
import reveal.model.data.TaskKind;
import reveal.model.io.ModelConfig;

/**
 * {@code attribute}: the attribution methods one at a time on a fine-tuned classifier and task files, into an
 * output folder that a rerun resumes ({@link AttributionRun}); or {@code na --ids}: the neuron attributions of one
 * token sequence as JSON. A step that needs another's results (NA-Instances needs both splits' neurons, IA-Neurons
 * the IA scores and the training neurons) runs or completes that step first. Progress goes to stderr; stdout gets
 * one JSON object: what was computed, where, and how long each step took.
 */
final class AttributeCommand implements Main.Command {
    private static final List<String> METHODS = List.of("ia", "na", "na-instances", "ia-neurons");

    @Override
    public String usage() {
        return "attribute ia|na|na-instances|ia-neurons --model DIR --task nli|claim|choice --train FILE --test FILE --out DIR [--max-len 128"
                + " --limit-train N --limit-test N --device D]\n"
                + "      ia:  [--methods gs_dot,gs_cosine,influence --params head|all|layers:0,3|names:A,B|regex:R --lissa-preset opt|bloom|pythia"
                + " --lissa-depth 1000 | --lissa-depth-factor F --lissa-batch 8 --lissa-damping 0.01 --lissa-scale S|auto --lissa-repeats 1"
                + " --lissa-tolerance 0.01 --seed 42]\n"
                + "      na:  [--steps 20 --quadrature paper|right --neurons pre|post --threshold 0.1 | --top-k K --split train|test|both]\n"
                + "      na-instances: [--test-neurons 5] + na options;  ia-neurons: [--k 100] + ia and na options\n"
                + "    attribute na --model DIR --ids 5,17,42 --target T [--steps 20 --quadrature right|paper --neurons pre|post --device D]";
    }

    @Override
    public void run(Args args, PrintStream out) {
        String method = args.positional(0, "method (" + String.join(", ", METHODS) + ")");
        if (!METHODS.contains(method)) throw new Args.UsageException("unknown attribution method '" + method + "'; expected one of " + METHODS);
        if (method.equals("na") && args.has("ids")) {
            singleSequence(args, out);
            return;
        }
        Path outDir = Path.of(args.require("out"));
        TaskKind kind = TaskKind.parse(args.require("task"));
        Path trainFile = Path.of(args.require("train")), testFile = Path.of(args.require("test"));
        int maxLen = args.getInt("max-len", 128);
        int limitTrain = args.getInt("limit-train", 0), limitTest = args.getInt("limit-test", 0);
        InstanceOptions ia = method.equals("ia") || method.equals("ia-neurons") ? InstanceOptions.read(args, kind) : null;
        NeuronOptions na = method.equals("ia") ? null : NeuronOptions.read(args, method.equals("na"));
        int testNeurons = method.equals("na-instances") ? args.getInt("test-neurons", NaInstances.TEST_NEURONS) : 0;
        int k = method.equals("ia-neurons") ? args.getInt("k", 100) : 0;
        ModelOptions m = ModelOptions.read(args);
        args.rejectUnknown();

        LanguageModel model = m.model;
        ModelConfig config = model.config();
        if (config.head() != ModelConfig.Head.SEQUENCE_CLASSIFICATION) {
            throw new IllegalArgumentException("--model " + m.describe() + " is a " + config.architecture() + ", not a sequence classifier; fine-tune one"
                    + " first (./reveal finetune ... --out DIR, then --model DIR/best)");
        }
        PromptEncoder encoder = PromptEncoder.withPaperPrefix(m.tokenizer(), maxLen);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("model", m.describe());
        inputs.put("task", kind.toString());
        inputs.put("max_len", maxLen);
        Dataset trainData = Datasets.read(kind, trainFile), testData = Datasets.read(kind, testFile);
        AttributionRun run;
        int trainSize, testSize;
        DoubleSupplier accuracy;
        if (kind == TaskKind.CHOICE) {
            if (config.numLabels() != 1) {
                throw new IllegalArgumentException("--task choice needs a one-label scorer (./reveal finetune --task choice makes one); " + m.describe() + " has "
                        + config.numLabels() + " labels");
            }
            int choices = trainData.labelNames().size();
            List<EncodedChoices> train = TaskEncoding.choices(trainData, limitTrain, choices, encoder), test = TaskEncoding.choices(testData, limitTest, choices, encoder);
            writeInputs(outDir, config, choiceRows(train), choiceRows(test));
            run = AttributionRun.ofChoices(outDir, model, train, test, inputs, false);
            trainSize = train.size();
            testSize = test.size();
            accuracy = () -> Classifiers.choiceAccuracy(model, test);
        } else {
            List<EncodedExample> train = TaskEncoding.examples(trainData, limitTrain, config.numLabels(), encoder);
            List<EncodedExample> test = TaskEncoding.examples(testData, limitTest, config.numLabels(), encoder);
            writeInputs(outDir, config, rows(train), rows(test));
            run = new AttributionRun(outDir, model, train, test, inputs, false);
            trainSize = train.size();
            testSize = test.size();
            accuracy = () -> Classifiers.accuracy(model, test);
        }

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", method);
        summary.put("out", outDir.toAbsolutePath().toString());
        summary.put("train", trainSize);
        summary.put("test", testSize);
        summary.put("device", model.backend().name());
        List<Map<String, Object>> steps = new ArrayList<>();
        IntSupplier instanceStep = () -> {
            run.instanceAttribution(ia.settings());
            return trainSize;
        };
        switch (method) {
            case "ia" -> steps.add(timed("ia", trainSize, instanceStep));
            case "na" -> {
                for (AttributionRun.Split split : na.splits) {
                    int n = split == AttributionRun.Split.TRAIN ? trainSize : testSize;
                    steps.add(timed("na " + split.name().toLowerCase(Locale.ROOT), n,
                            () -> run.neuronAttribution(split, na.settings(config), split == AttributionRun.Split.TEST)));
                }
            }
            case "na-instances" -> {
                steps.add(timed("na test", testSize, () -> run.neuronAttribution(AttributionRun.Split.TEST, na.settings(config), true)));
                steps.add(timed("na train", trainSize, () -> run.neuronAttribution(AttributionRun.Split.TRAIN, na.settings(config), false)));
                steps.add(timed("na-instances", testSize, () -> {
                    run.naInstances(testNeurons);
                    return testSize;
                }));
            }
            case "ia-neurons" -> {
                steps.add(timed("ia", trainSize, instanceStep));
                steps.add(timed("na train", trainSize, () -> run.neuronAttribution(AttributionRun.Split.TRAIN, na.settings(config), false)));
                steps.add(timed("ia-neurons", testSize, () -> {
                    run.iaNeurons(List.copyOf(ia.methods), k);
                    return testSize;
                }));
            }
            default -> throw new IllegalStateException(method);
        }
        summary.put("steps", steps);
        if (ia != null && ia.methods.contains(InstanceAttribution.Method.INFLUENCE)) {
            LissaConvergence convergence = run.lissaConvergence(ia.lissa.settings().tolerance());
            summary.put("lissa", lissaSettings(outDir, ia));
            summary.put("lissa_convergence", convergence.describe());
            if (!convergence.allConverged()) {
                System.err.println("[attribute] warning: " + convergence.problem() + ": their influence scores are not reliable; give LiSSA more depth"
                        + " (--lissa-depth N or --lissa-depth-factor F) or more damping (--lissa-damping), or a larger scale (--lissa-scale) where |v|"
                        + " diverged or oscillates. Traces: " + outDir.resolve("ia/" + InstanceAttribution.LISSA_TRACE));
            }
        }
        summary.put("test_accuracy", accuracy.getAsDouble());
        out.println(Json.write(summary));
    }

    /** LiSSA's settings as run: the preset's row, and the damping, scale, depth and batch that {@code ia/info.json} records. */
    private static Map<String, Object> lissaSettings(Path outDir, InstanceOptions ia) {
        Map<String, Object> m = new LinkedHashMap<>();
        LissaPreset preset = ia.lissa.preset();
        m.put("preset", preset == null ? null : preset.family() + " (" + preset.family().model() + " on " + preset.dataset().title() + ")");
        Map<String, Object> info;
        try {
            info = Json.parseObject(Files.readString(outDir.resolve("ia/info.json"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : List.of("damping", "scale", "lambda", "depth", "depth_factor", "batch")) m.put(key, info.get("lissa_" + key));
        return m;
    }

    /** {@code na --ids}: one row of attributions per layer for the last position of the given ids. */
    private static void singleSequence(Args args, PrintStream out) {
        ModelOptions m = ModelOptions.read(args);
        int[] ids = args.getInts("ids");
        int target = Integer.parseInt(args.require("target"));
        int steps = args.getInt("steps", 20);
        Quadrature quadrature = Quadrature.byName(args.get("quadrature", "right"));
        FfnPoint point = point(args.get("neurons", null), m.config());
        args.rejectUnknown();
        double[][] attributions = NeuronAttributor.attributions(m.model, ids, target, steps, quadrature, point);
        out.println(Json.write(Map.of("attributions", Arrays.asList(attributions))));
    }

    /** {@code --neurons pre|post}, else the paper's neuron for the architecture. */
    private static FfnPoint point(String name, ModelConfig config) {
        if (name == null) return IgOptions.paperPoint(config);
        return switch (name) {
            case "pre" -> FfnPoint.PRE;
            case "post" -> FfnPoint.POST;
            default -> throw new Args.UsageException("--neurons " + name + ": expected pre or post");
        };
    }

    /**
     * The {@code ia} options. LiSSA's settings come from {@code --lissa-preset} (the paper's row for the model family
     * and this task kind, {@link LissaPreset#lookup}) where given, else from reveal's defaults (damping 0.01, an
     * automatic scale, 1000 steps, batch 8); each explicit {@code --lissa-*} option overrides either. The depth is
     * {@code --lissa-depth N} steps or {@code --lissa-depth-factor F} (the paper's), never both.
     */
    private record InstanceOptions(ParameterSelector params, Set<InstanceAttribution.Method> methods, LissaOptions lissa, int repeats, long seed) {
        static InstanceOptions read(Args args, TaskKind kind) {
            Set<InstanceAttribution.Method> methods = EnumSet.noneOf(InstanceAttribution.Method.class);
            for (String name : args.get("methods", "gs_dot,gs_cosine,influence").split(",")) {
                methods.add(Arrays.stream(InstanceAttribution.Method.values()).filter(x -> x.fileName().equals(name.trim())).findFirst()
                        .orElseThrow(() -> new Args.UsageException("--methods: unknown method '" + name + "'; expected gs_dot, gs_cosine, influence")));
            }
            return new InstanceOptions(selector(args.get("params", "head")), methods, LissaOptions.read(args, kind, LissaOptions.attributeDefaults(), "attribute"),
                    args.getInt("lissa-repeats", 1), args.getLong("seed", 42));
        }

        AttributionRun.InstanceSettings settings() {
            PipelineConfig.Lissa l = lissa.settings();
            return new AttributionRun.InstanceSettings(params, methods, l.damping(), l.scale(), l.depth(), l.depthFactor(), l.batchSize(), repeats, seed, l.tolerance());
        }

        private static ParameterSelector selector(String spec) {
            if (spec.equals("head")) return ParameterSelector.classificationHead();
            if (spec.equals("all")) return ParameterSelector.all();
            int colon = spec.indexOf(':');
            String kind = colon < 0 ? spec : spec.substring(0, colon), value = colon < 0 ? "" : spec.substring(colon + 1);
            return switch (kind) {
                case "layers" -> ParameterSelector.layers(Arrays.stream(value.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray());
                case "names" -> ParameterSelector.named(value.split(","));
                case "regex" -> ParameterSelector.matching(value);
                default -> throw new Args.UsageException("--params " + spec + ": expected head, all, layers:0,3, names:A,B or regex:R");
            };
        }
    }

    private record NeuronOptions(int steps, Quadrature quadrature, String neurons, double threshold, int topK, List<AttributionRun.Split> splits) {
        static NeuronOptions read(Args args, boolean splitOption) {
            String split = splitOption ? args.get("split", "both") : "both";
            List<AttributionRun.Split> splits = switch (split) {
                case "both" -> List.of(AttributionRun.Split.TEST, AttributionRun.Split.TRAIN);
                case "train" -> List.of(AttributionRun.Split.TRAIN);
                case "test" -> List.of(AttributionRun.Split.TEST);
                default -> throw new Args.UsageException("--split " + split + ": expected train, test or both");
            };
            return new NeuronOptions(args.getInt("steps", 20), Quadrature.byName(args.get("quadrature", "paper")), args.get("neurons", null),
                    args.getDouble("threshold", 0.1), args.getInt("top-k", 0), splits);
        }

        NeuronSettings settings(ModelConfig config) {
            IgOptions ig = new IgOptions(steps, quadrature, point(neurons, config), IgOptions.PREDICTED, IgOptions.LAST);
            return new NeuronSettings(ig, threshold, topK);
        }
    }

    /**
     * Runs one step and reports its time. {@code body} returns how many of the step's {@code instances} it computed,
     * which the rate counts: fewer than all when neuron attribution resumes (the IA and bridge steps count all).
     */
    private static Map<String, Object> timed(String step, int instances, IntSupplier body) {
        long t0 = System.nanoTime();
        int computed = body.getAsInt();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("instances", instances);
        m.put("computed", computed);
        m.put("seconds", seconds);
        m.put("instances_per_second", computed / seconds);
        System.err.printf(Locale.ROOT, "[attribute] %s: %d of %d instances computed in %.1fs (%.2f/s)%n", step, computed, instances, seconds,
                computed / seconds);
        return m;
    }

    /**
     * The token ids and labels attributed, so that other tools (bench/attribution_torch.py) see exactly the same
     * input: per instance {@code ids} and {@code label}, or for choices {@code choices} (one id list each) and {@code answer}.
     */
    private static void writeInputs(Path dir, ModelConfig config, List<Object> train, List<Object> test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pad_id", config.padTokenId());
        m.put("train", train);
        m.put("test", test);
        AtomicFiles.writeString(dir.resolve("inputs.json"), Json.write(m) + "\n");
    }

    private static List<Object> rows(List<EncodedExample> split) {
        List<Object> out = new ArrayList<>(split.size());
        for (EncodedExample e : split) out.add(Map.of("ids", e.ids(), "label", e.label()));
        return out;
    }

    private static List<Object> choiceRows(List<EncodedChoices> split) {
        List<Object> out = new ArrayList<>(split.size());
        for (EncodedChoices e : split) out.add(Map.of("choices", Arrays.asList(e.choices()), "answer", e.answer()));
        return out;
    }
}
