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
 * @param fractions   the retraining subset sizes x (0..1)
 * @param randomSeeds seeds of the random retraining subsets and of the random neuron controls (their count is the
 *                    number of control runs)
 * @param methods     attribution settings
 * @param examples    test instances shown in detail in the report
 * @param threads     CPU threads in all
 * @param seed        the seed of everything else (head initialisation, shuffling, LiSSA batches)
 */
public record PipelineConfig(Path out, Path modelDir, Path tokenizer, Task task, int maxLen, Training finetune, Training retrain,
                             double[] fractions, long[] randomSeeds, Methods methods, int examples, int threads, long seed) {

    /**
     * Where the data comes from: three files of one task kind (NLI or claim verification), or the known-answer
     * claim task generated with {@code knownAnswer} sizes and {@code taskSeed}. {@code maxTrain/maxDev/maxTest}
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
     * @param steps 0 to train {@code epochs} passes over the data, as the paper does; or about this many optimizer
     *              steps whatever the data size, in {@code epochs} epochs (a small training set is repeated within
     *              each epoch, a large one gets fewer epochs). The retraining test fine-tunes dozens of models, so
     *              each gets an equal, affordable budget; and a small subset then still gets the many passes a tiny
     *              model needs before it generalises at all.
     */
    public record Training(double learningRate, int epochs, int batchSize, int steps) {
        public Training {
            if (!(learningRate > 0) || epochs < 1 || batchSize < 1 || steps < 0)
                throw new IllegalArgumentException("training: learning rate " + learningRate + ", epochs " + epochs + " and batch size " + batchSize
                        + " must be positive, steps " + steps + " not negative");
        }

        /** {@code epochs} passes over the data. */
        public static Training epochs(double learningRate, int epochs, int batchSize) {
            return new Training(learningRate, epochs, batchSize, 0);
        }

        /**
         * How a set of {@code size} instances is trained: {@code [copies of each instance per epoch, epochs]}, about
         * {@code steps} steps in all when steps are set.
         */
        int[] plan(int size) {
            if (steps == 0 || size == 0) return new int[] {1, epochs};
            double passes = (double) steps * batchSize / size;
            if (passes < epochs) return new int[] {1, Math.max(1, (int) Math.round(passes))};
            return new int[] {(int) Math.round(passes / epochs), epochs};
        }

        /** In words, for the report. */
        String describe() {
            String common = "AdamW, learning rate " + new java.math.BigDecimal(String.valueOf(learningRate)).stripTrailingZeros().toPlainString()
                    + " with linear decay, batches of " + batchSize;
            return steps == 0 ? epochs + " epochs, " + common
                    : String.format(Locale.ROOT, "about %d optimizer steps (%d instances' worth) whatever the subset size, in %d epochs or fewer, %s",
                    steps, steps * batchSize, epochs, common);
        }
    }

    /**
     * @param igSteps      integrated-gradient steps per layer (the paper: 20)
     * @param naThreshold  NA keeps neurons above this share of the instance's largest attribution (the paper: 0.1)
     * @param naNeurons    neurons per test instance in the NA faithfulness test (the paper: the top 100)
     * @param iaNeuronsK   IA-Neurons take the top neuron of each of the top K training instances (the paper: 100)
     * @param topK         instances per test in the overlap and unique-instance counts (the paper: 10)
     * @param lissaDamping LiSSA damping (its scale is set from the data so the recursion converges)
     * @param lissaDepth   LiSSA recursion steps per test instance
     * @param lissaBatch   training instances per Hessian-vector product
     */
    public record Methods(int igSteps, double naThreshold, int naNeurons, int iaNeuronsK, int topK, double lissaDamping,
                          int lissaDepth, int lissaBatch) {
        public static Methods paper() {
            return new Methods(20, 0.1, 100, 100, 10, 0.01, 1000, 8);
        }
    }

    /**
     * The embedded default: stories260K fine-tuned on a known-answer claim task sized so that the whole run,
     * retraining included, fits in 15 minutes on two cores.
     */
    public static PipelineConfig demo(Path out) {
        return new PipelineConfig(out, null, null, Task.knownAnswer(new KnownAnswerTask.Sizes(8, 6, 8, 24), 42), 64,
                Training.epochs(5e-4, 36, 16), new Training(5e-4, 8, 16, 100), new double[] {0.1, 0.3, 0.5, 0.7, 0.9},
                new long[] {42, 60, 73}, new Methods(20, 0.1, 20, 20, 10, 0.01, 300, 8), 3,
                Math.max(1, Runtime.getRuntime().availableProcessors()), 42);
    }

    /** A user's model folder and task files with the paper's method settings and moderate training settings. */
    public static PipelineConfig forFiles(Path out, Path modelDir, TaskKind kind, Path train, Path dev, Path test) {
        return new PipelineConfig(out, modelDir, null, Task.files(kind, train, dev, test), 256, Training.epochs(1e-5, 5, 4),
                Training.epochs(1e-5, 5, 4), new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, new long[] {42, 60, 73}, Methods.paper(), 3,
                Math.max(1, Runtime.getRuntime().availableProcessors()), 42);
    }

    public PipelineConfig withTokenizer(Path t) {
        return new PipelineConfig(out, modelDir, t, task, maxLen, finetune, retrain, fractions, randomSeeds, methods, examples, threads, seed);
    }

    public PipelineConfig withTask(Task t) {
        return new PipelineConfig(out, modelDir, tokenizer, t, maxLen, finetune, retrain, fractions, randomSeeds, methods, examples, threads, seed);
    }

    public PipelineConfig withMaxLen(int n) {
        return new PipelineConfig(out, modelDir, tokenizer, task, n, finetune, retrain, fractions, randomSeeds, methods, examples, threads, seed);
    }

    public PipelineConfig withFinetune(Training t) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, t, retrain, fractions, randomSeeds, methods, examples, threads, seed);
    }

    public PipelineConfig withRetrain(Training t) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, t, fractions, randomSeeds, methods, examples, threads, seed);
    }

    public PipelineConfig withFractions(double... f) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, f.clone(), randomSeeds, methods, examples, threads, seed);
    }

    public PipelineConfig withRandomSeeds(long... s) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, fractions, s.clone(), methods, examples, threads, seed);
    }

    public PipelineConfig withMethods(Methods m) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, fractions, randomSeeds, m, examples, threads, seed);
    }

    public PipelineConfig withThreads(int n) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, fractions, randomSeeds, methods, examples, n, seed);
    }

    public PipelineConfig withSeed(long s) {
        return new PipelineConfig(out, modelDir, tokenizer, task, maxLen, finetune, retrain, fractions, randomSeeds, methods, examples, threads, s);
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
        m.put("fractions", fractions);
        m.put("random_seeds", randomSeeds);
        m.put("ig_steps", methods.igSteps());
        m.put("na_threshold", methods.naThreshold());
        m.put("na_neurons", methods.naNeurons());
        m.put("ia_neurons_k", methods.iaNeuronsK());
        m.put("top_k", methods.topK());
        m.put("lissa_damping", methods.lissaDamping());
        m.put("lissa_depth", methods.lissaDepth());
        m.put("lissa_batch", methods.lissaBatch());
        m.put("seed", seed);
        return m;
    }

    private static Map<String, Object> training(Training t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", t.learningRate());
        m.put("epochs", t.epochs());
        m.put("batch_size", t.batchSize());
        m.put("steps", t.steps());
        return m;
    }
}
