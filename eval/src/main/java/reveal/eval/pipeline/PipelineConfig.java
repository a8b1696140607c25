package reveal.eval.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import reveal.eval.knowledge.KnownAnswerTask;
import reveal.model.data.TaskKind;

/**
 * Everything a {@link Pipeline} run depends on. Start from {@link #demo} (the embedded model on the known-answer
 * task) or {@link #forFiles} (a user's model folder and task files) and adjust with the {@code with...} methods.
 *
 * @param out         the run folder: every stage writes there, and a rerun resumes from what it holds
 * @param modelDir    a Hugging Face causal-LM folder (config.json + safetensors) to fine-tune; null for the
 *                    embedded stories260K
 * @param tokenizer   a tokenizer folder or file (tokenizer.json, or a llama2.c tokenizer .bin); null for the
 *                    model folder's own (tok512.bin for the embedded model)
 * @param task        the data
 * @param maxLen      tokens per example (prefix token included), longer examples are truncated as the paper does
 * @param finetune    the full fine-tuning
 * @param retrain     the retraining test's fine-tuning on subsets (from the pre-trained model, a new head)
 * @param protocol    how many subsets, seeds and controls the comparisons rest on, and at what confidence level
 * @param methods     attribution settings
 * @param examples    test instances shown in detail in the report
 * @param threads     CPU threads in all
 * @param seed        the seed of everything else (head initialisation, shuffling, LiSSA batches)
 */
public record PipelineConfig(Path out, Path modelDir, Path tokenizer, Task task, int maxLen, Training finetune, Training retrain,
                             Protocol protocol, Methods methods, int examples, int threads, long seed) {

    /**
     * Where the data comes from: three files of one task kind (NLI, claim verification or multiple choice), or the
     * known-answer claim task generated with {@code knownAnswer} sizes and {@code taskSeed}. {@code maxTrain/maxDev/maxTest}
     * keep the first that many instances of each split (0 = all).
     */
    public record Task(TaskKind kind, Path train, Path dev, Path test, KnownAnswerTask.Sizes knownAnswer, long taskSeed,
                       int maxTrain, int maxDev, int maxTest) {
        public static Task knownAnswer(KnownAnswerTask.Sizes sizes, long seed) {
            return new Task(TaskKind.CLAIM, null, null, null, sizes, seed, 0, 0, 0);
        }

        public static Task files(TaskKind kind, Path train, Path dev, Path test) {
            return new Task(kind, train, dev, test, null, 0, 0, 0, 0);
        }

        public Task limited(int train, int dev, int test) {
            return new Task(kind, this.train, this.dev, this.test, knownAnswer, taskSeed, train, dev, test);
        }

        public boolean isKnownAnswer() {
            return knownAnswer != null;
        }
    }

    /**
     * AdamW with linear decay and clipping at 1.0; the best epoch by dev accuracy is kept.
     *
     * @param epochs   passes over the data (the paper: 5), and the number of dev evaluations
     * @param minSteps a floor on optimizer steps: a set too small to get that many steps in {@code epochs} passes is
     *                 repeated within each epoch until it does. A retraining on 10% of the data then still gets the
     *                 many updates a model needs before it generalises at all, while larger subsets train for the
     *                 full model's number of epochs (its schedule scaled to the subset). 0: no floor.
     */
    public record Training(double learningRate, int epochs, int batchSize, int minSteps) {
        public Training {
            if (!(learningRate > 0) || epochs < 1 || batchSize < 1 || minSteps < 0)
                throw new IllegalArgumentException("training: learning rate " + learningRate + ", epochs " + epochs + " and batch size " + batchSize
                        + " must be positive, the step floor " + minSteps + " not negative");
        }

        /** {@code epochs} passes over the data. */
        public static Training epochs(double learningRate, int epochs, int batchSize) {
            return new Training(learningRate, epochs, batchSize, 0);
        }

        /**
         * How a set of {@code size} instances is trained: {@code [copies of each instance per epoch, epochs]}, at
         * least {@code minSteps} optimizer steps in all.
         */
        int[] plan(int size) {
            if (size == 0) return new int[] {1, epochs};
            long steps = (long) epochs * ((size + batchSize - 1) / batchSize);
            if (steps >= minSteps) return new int[] {1, epochs};
            int copies = (int) Math.ceil((double) minSteps * batchSize / ((double) epochs * size));
            return new int[] {copies, epochs};
        }

        /** In words, for the report. */
        String describe() {
            String common = "AdamW, learning rate " + new java.math.BigDecimal(String.valueOf(learningRate)).stripTrailingZeros().toPlainString()
                    + " with linear decay, batches of " + batchSize + ", the best of " + epochs + " epochs on the dev split";
            return minSteps == 0 ? epochs + " epochs, " + common
                    : String.format(Locale.ROOT, "%d epochs over the subset and at least %d optimizer steps (a small subset is repeated within each epoch), %s",
                    epochs, minSteps, common);
        }
    }

    /**
     * The evaluation protocol: what every comparison rests on.
     *
     * @param fractions      the retraining subset sizes x (0..1) of the most / least / random comparisons
     * @param seeds          training seeds: each most, least and random subset is retrained once per seed (a random
     *                       subset is also drawn with its seed)
     * @param ldsModels      models trained on random {@code ldsAlpha} subsets for the linear datamodeling score (0: no
     *                       LDS); they are also the random arm of the retraining test at that fraction
     * @param ldsAlpha       the LDS subset fraction
     * @param neuronControls random neuron sets per test instance that each neuron test compares against, seeded
     *                       {@code seed + 1 .. seed + neuronControls}
     * @param level          the confidence level of every interval and verdict
     */
    public record Protocol(double[] fractions, long[] seeds, int ldsModels, double ldsAlpha, int neuronControls, double level) {
        /** Random subsets of this fraction check that retraining learns at all (the sanity gate). */
        public static final double GATE_FRACTION = 0.9;
        /** The gate: random {@link #GATE_FRACTION} subsets must reach this share of the full model's test accuracy. */
        public static final double GATE_SHARE = 0.9;

        public Protocol {
            for (double f : fractions)
                if (!(f > 0 && f < 1)) throw new IllegalArgumentException("retraining fraction " + f + " must be between 0 and 1");
            if (seeds.length < 1) throw new IllegalArgumentException("retraining needs at least one seed");
            // A repeated seed is the same model again, not another replicate; a repeated percentage, the same verdict id.
            if (java.util.Arrays.stream(seeds).distinct().count() < seeds.length) throw new IllegalArgumentException("retraining seeds " + java.util.Arrays.toString(seeds) + " repeat a seed");
            if (java.util.Arrays.stream(fractions).map(f -> Math.round(100 * f)).distinct().count() < fractions.length)
                throw new IllegalArgumentException("retraining fractions " + java.util.Arrays.toString(fractions) + " repeat a whole percentage");
            if (ldsModels < 0 || ldsModels == 1 || ldsModels == 2)
                throw new IllegalArgumentException("LDS needs at least 3 subset models (or 0 for none), got " + ldsModels);
            if (!(ldsAlpha > 0 && ldsAlpha < 1)) throw new IllegalArgumentException("LDS subset fraction " + ldsAlpha + " must be between 0 and 1");
            if (neuronControls < 1) throw new IllegalArgumentException("neuron tests need at least one random control, got " + neuronControls);
            if (!(level > 0.5 && level < 1)) throw new IllegalArgumentException("confidence level " + level + " must be between 0.5 and 1");
            fractions = fractions.clone();
            seeds = seeds.clone();
        }

        /** The paper's five fractions, three seeds; 32 LDS models at 50%, 10 neuron controls, 95%. */
        public static Protocol full() {
            return new Protocol(new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, new long[] {42, 60, 73}, 32, 0.5, 10, 0.95);
        }

        /** Whether the LDS models serve as the random arm at {@code fraction}. */
        public boolean ldsCovers(double fraction) {
            return ldsModels > 0 && fraction == ldsAlpha;
        }

        /** The seeds of the random neuron controls. */
        public long[] controlSeeds(long seed) {
            long[] out = new long[neuronControls];
            for (int i = 0; i < out.length; i++) out[i] = seed + 1 + i;
            return out;
        }
    }

    /**
     * @param igSteps      integrated-gradient steps per layer (the paper: 20)
     * @param naThreshold  NA keeps neurons above this share of the instance's largest attribution (the paper: 0.1)
     * @param naNeurons    neurons per test instance in the NA faithfulness test (the paper: the top 100)
     * @param iaNeuronsK   IA-Neurons take the top neuron of each of the top K training instances (the paper: 100)
     * @param topK         instances per test in the overlap and unique-instance counts (the paper: 10)
     * @param lissa        LiSSA's settings
     */
    public record Methods(int igSteps, double naThreshold, int naNeurons, int iaNeuronsK, int topK, Lissa lissa) {
        public static Methods paper() {
            return new Methods(20, 0.1, 100, 100, 10, Lissa.steps(0.01, 1000, 8));
        }
    }

    /**
     * LiSSA over the classification head (docs/method.md, "Instance attribution").
     *
     * @param damping     d in {@code v <- g + (1 - d) v - H v / scale}
     * @param scale       the Hessian scale, or 0 to set it from the data (above the head-only Hessian's largest eigenvalue)
     * @param depth       recursion steps per test instance, or 0 to use {@code depthFactor}
     * @param depthFactor the paper's depth: {@code ceil(N_train / batchSize) * depthFactor} steps (when depth is 0)
     * @param batchSize   training instances per Hessian-vector product
     * @param tolerance   a recursion converged when |v| changed by less than this over its last 10% of steps
     */
    public record Lissa(double damping, double scale, int depth, double depthFactor, int batchSize, double tolerance) {
        public Lissa {
            if ((depth > 0) == (depthFactor > 0)) throw new IllegalArgumentException("LiSSA: give a depth or a depth factor, not " + depth + " and " + depthFactor);
        }

        /** A fixed number of steps, an automatic scale and the default tolerance. */
        public static Lissa steps(double damping, int depth, int batchSize) {
            return new Lissa(damping, 0, depth, 0, batchSize, reveal.attribution.instance.LissaConfig.DEFAULT_TOLERANCE);
        }

        String describe() {
            return "damping " + damping + ", " + (depth > 0 ? depth + " steps" : "depth factor " + depthFactor) + ", " + batchSize
                    + " instances per Hessian-vector product, " + (scale == 0 ? "scale from the data" : "scale " + scale) + ", convergence tolerance " + tolerance;
        }
    }

    /**
     * The embedded default: stories260K fine-tuned on a known-answer claim task sized so that the whole run,
     * retraining included, fits in 15 minutes on two cores.
     */
    public static PipelineConfig demo(Path out) {
        return new PipelineConfig(out, null, null, Task.knownAnswer(new KnownAnswerTask.Sizes(40, 2, 60, 100), 42), 64,
                Training.epochs(1e-3, 30, 16), new Training(1e-3, 24, 16, 0),
                new Protocol(new double[] {0.1, 0.5}, new long[] {42, 60, 73}, 32, 0.5, 10, 0.95),
                new Methods(20, 0.1, 20, 20, 10, Lissa.steps(0.01, 500, 32)), 3, Math.max(1, Runtime.getRuntime().availableProcessors()), 42);
    }

    /** A user's model folder and task files with the paper's method settings and moderate training settings. */
    public static PipelineConfig forFiles(Path out, Path modelDir, TaskKind kind, Path train, Path dev, Path test) {
        return new PipelineConfig(out, modelDir, null, Task.files(kind, train, dev, test), 256, Training.epochs(1e-5, 5, 4),
                Training.epochs(1e-5, 5, 4), Protocol.full(), Methods.paper(), 3,
                Math.max(1, Runtime.getRuntime().availableProcessors()), 42);
    }

    public PipelineConfig withTokenizer(Path t) {
        return new PipelineConfig(out, modelDir, t, task, maxLen, finetune, retrain, protocol, methods, examples, threads, seed);
    }

    public PipelineConfig withTask(Task t) {
        return new PipelineConfig(out, modelDir, tokenizer, t, maxLen, finetune, retrain, protocol, methods, examples, threads, seed);
    }

    public PipelineConfig withMaxLen(int n) {
        return new PipelineConfig(out, modelDir, tokenizer, task, n, finetune, retrain, protocol, methods, examples, threads, seed);
    }

    public PipelineConfig withFinetune(Training t) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, t, retrain, protocol, methods, examples, threads, seed);
    }

    public PipelineConfig withRetrain(Training t) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, t, protocol, methods, examples, threads, seed);
    }

    public PipelineConfig withProtocol(Protocol p) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, p, methods, examples, threads, seed);
    }

    public PipelineConfig withMethods(Methods m) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, protocol, m, examples, threads, seed);
    }

    public PipelineConfig withThreads(int n) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, protocol, methods, examples, n, seed);
    }

    public PipelineConfig withSeed(long s) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, protocol, methods, examples, threads, s);
    }

    /** The settings as JSON, for the report and for refusing to resume a run folder with other settings. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelDir == null ? "embedded stories260K" : modelDir.toAbsolutePath().toString());
        m.put("tokenizer", tokenizer == null ? "the model's" : tokenizer.toAbsolutePath().toString());
        m.put("task", task.isKnownAnswer()
                ? "known-answer claims (" + task.knownAnswer().entities() + " people, " + task.knownAnswer().trainPerFact() + " training claims per fact, seed " + task.taskSeed() + ")"
                : task.kind() + " " + task.train() + ", " + task.dev() + ", " + task.test());
        m.put("max_instances", new int[] {task.maxTrain(), task.maxDev(), task.maxTest()});
        m.put("max_len", maxLen);
        m.put("finetune", training(finetune));
        m.put("retrain", training(retrain));
        m.put("fractions", protocol.fractions());
        m.put("seeds", protocol.seeds());
        m.put("lds_models", protocol.ldsModels());
        m.put("lds_alpha", protocol.ldsAlpha());
        m.put("neuron_controls", protocol.neuronControls());
        m.put("level", protocol.level());
        m.put("ig_steps", methods.igSteps());
        m.put("na_threshold", methods.naThreshold());
        m.put("na_neurons", methods.naNeurons());
        m.put("ia_neurons_k", methods.iaNeuronsK());
        m.put("top_k", methods.topK());
        m.put("lissa", methods.lissa().describe());
        m.put("seed", seed);
        return m;
    }

    private static Map<String, Object> training(Training t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", t.learningRate());
        m.put("epochs", t.epochs());
        m.put("batch_size", t.batchSize());
        m.put("min_steps", t.minSteps());
        return m;
    }
}
