package reveal.eval.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import reveal.engine.io.Json;
import reveal.model.Classifiers;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.data.Dataset;
import reveal.model.data.Datasets;
import reveal.model.data.EncodedExample;
import reveal.model.data.Labels;
import reveal.model.data.PromptEncoder;
import reveal.model.data.TaskKind;
import reveal.model.tokenizer.Tokenizer;
import reveal.model.tokenizer.Tokenizers;
import reveal.model.data.EncodedChoices;
import reveal.model.train.LanguageModelTrainable;
import reveal.model.train.Trainer;
import reveal.model.train.TrainerConfig;

/**
 * {@code finetune}: fine-tunes a model as a sequence classifier (or, for {@code --task choice}, a listwise scorer of
 * each choice) on task files with the paper's prompts, keeping the
 * best epoch by dev accuracy in {@code --out/best} (an HF folder with the tokenizer files); progress on stderr, a
 * one-line JSON summary on stdout. A run stopped part-way resumes from {@code --out/checkpoint} when started again
 * with the same settings.
 */
final class FinetuneCommand implements Main.Command {
    @Override
    public String usage() {
        return "finetune --model DIR|X.bin|embedded --task nli|claim|choice --train FILE --dev FILE --out DIR [--test FILE --epochs 5 --lr 1e-5"
                + " --batch-size 4 --max-len 128 --seed 42 --labels N --max-train N --max-dev N --max-test N --checkpoint-every N"
                + " --tokenizer T --device D]";
    }

    @Override
    public void run(Args args, PrintStream out) {
        TaskKind kind = TaskKind.parse(args.require("task"));
        Path trainFile = Path.of(args.require("train")), devFile = Path.of(args.require("dev"));
        Path testFile = args.has("test") ? Path.of(args.require("test")) : null;
        Path outDir = Path.of(args.require("out"));
        int maxLen = args.getInt("max-len", 128);
        long seed = args.getLong("seed", 42);
        int labelCount = args.getInt("labels", 0);
        int maxTrain = args.getInt("max-train", 0), maxDev = args.getInt("max-dev", 0), maxTest = args.getInt("max-test", 0);
        TrainerConfig cfg;
        try {
            cfg = TrainerConfig.defaults().withLearningRate(args.getDouble("lr", 1e-5)).withEpochs(args.getInt("epochs", 5))
                    .withBatchSize(args.getInt("batch-size", 4)).withSeed(seed).withCheckpointEvery(args.getInt("checkpoint-every", 0));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        String modelSpec = args.require("model");
        String tokenizerSpec = args.get("tokenizer", null);
        args.get("device", null);
        args.rejectUnknown();
        if (kind == TaskKind.CHOICE && labelCount != 0) throw new Args.UsageException("--labels does not apply to --task choice (one score per choice)");
        Dataset train = Datasets.read(kind, trainFile), dev = Datasets.read(kind, devFile);
        Dataset test = testFile == null ? null : Datasets.read(kind, testFile);
        TokenizerFiles tok = tokenizer(modelSpec, tokenizerSpec);
        PromptEncoder encoder = PromptEncoder.withPaperPrefix(tok.tokenizer(), maxLen);
        ModelOptions m = ModelOptions.read(args);
        if (m.config().padTokenId() == null) {
            log("the model's config has no pad_token_id: the classifier pads with the EOS id " + m.config().eosTokenIds().get(0) + " (HF's usual fix)");
        }
        if (modelSpec.equals("embedded") && cfg.learningRate() < 1e-4) {
            log("note: the paper's learning rate suits 125M+ models; the tiny embedded model needs about --lr 1e-3");
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("task", kind.toString());
        summary.put("model", modelSpec);
        Splits splits;
        LanguageModelTrainable model;
        if (kind == TaskKind.CHOICE) {
            // Listwise: a one-label scorer rates each choice; the softmax is over an example's choices.
            int choices = train.labelNames().size();
            List<EncodedChoices> tr = TaskEncoding.choices(train, maxTrain, choices, encoder), dv = TaskEncoding.choices(dev, maxDev, choices, encoder);
            List<EncodedChoices> te = test == null ? List.of() : TaskEncoding.choices(test, maxTest, choices, encoder);
            summary.put("choices", train.labelNames());
            model = LanguageModelTrainable.choices(Classifiers.withNewHead(m.model, List.of("score"), seed), choices, tok.files());
            splits = new Splits(choices, answers(tr), answers(dv), answers(te), Stream.of(tr, dv, te).flatMap(List::stream)
                    .flatMap(e -> Stream.of(e.choices())).filter(ids -> ids.length == maxLen).count(),
                    trainer -> trainer.trainChoices(tr, dv), trainer -> trainer.choiceAccuracy(te),
                    dir -> LanguageModelTrainable.choices(LanguageModel.load(dir, m.backend), choices, List.of()));
        } else {
            List<String> labels = labelNames(kind, labelCount, train, dev, test);
            List<EncodedExample> tr = TaskEncoding.examples(train, maxTrain, labels.size(), encoder), dv = TaskEncoding.examples(dev, maxDev, labels.size(), encoder);
            List<EncodedExample> te = test == null ? List.of() : TaskEncoding.examples(test, maxTest, labels.size(), encoder);
            summary.put("labels", labels);
            model = LanguageModelTrainable.classifier(Classifiers.withNewHead(m.model, labels, seed), tok.files());
            splits = new Splits(labels.size(), labels(tr), labels(dv), labels(te),
                    Stream.of(tr, dv, te).flatMap(List::stream).filter(e -> e.ids().length == maxLen).count(),
                    trainer -> trainer.train(tr, dv), trainer -> trainer.accuracy(te),
                    dir -> LanguageModelTrainable.classifier(LanguageModel.load(dir, m.backend), List.of()));
        }
        int trainSize = splits.trainLabels().length, steps = cfg.epochs() * ((trainSize + cfg.batchSize() - 1) / cfg.batchSize());
        log(String.format("%d train, %d dev%s examples (%s); %d steps of %d; pad id %d, max_len %d (%d sequences truncated)",
                trainSize, splits.devLabels().length, test == null ? "" : ", " + splits.testLabels().length + " test", train.format(),
                steps, cfg.batchSize(), model.padId(), maxLen, splits.truncated()));

        Trainer.Result r = splits.train().apply(new Trainer(model, cfg, model.padId(), outDir));

        summary.put("train_examples", trainSize);
        summary.put("dev_examples", splits.devLabels().length);
        summary.put("learning_rate", cfg.learningRate());
        summary.put("epochs", cfg.epochs());
        summary.put("batch_size", cfg.batchSize());
        summary.put("max_len", maxLen);
        summary.put("seed", seed);
        summary.put("dev_accuracy", r.devAccuracy());
        summary.put("train_loss", r.trainLoss());
        summary.put("best_epoch", r.bestEpoch() + 1);
        summary.put("best_dev_accuracy", r.bestDevAccuracy());
        summary.put("majority_dev_accuracy", Labels.majorityAccuracy(splits.trainLabels(), splits.devLabels(), splits.classes()));
        if (test != null) {
            LanguageModelTrainable best = splits.load().apply(r.bestDir());
            summary.put("test_examples", splits.testLabels().length);
            summary.put("test_accuracy", splits.test().applyAsDouble(new Trainer(best, cfg, best.padId(), outDir)));
            summary.put("majority_test_accuracy", Labels.majorityAccuracy(splits.trainLabels(), splits.testLabels(), splits.classes()));
        }
        summary.put("best_dir", r.bestDir().toAbsolutePath().toString());
        summary.put("steps_run", r.stepsRun());
        summary.put("seconds", r.seconds());
        summary.put("steps_per_second", r.stepsRun() / r.seconds());
        out.println(Json.write(summary));
    }

    /**
     * The encoded task, whichever its kind: gold labels (or answer positions) per split, how many sequences were
     * truncated, and how to train, test and reload the model.
     */
    private record Splits(int classes, int[] trainLabels, int[] devLabels, int[] testLabels, long truncated,
                          Function<Trainer, Trainer.Result> train, ToDoubleFunction<Trainer> test,
                          Function<Path, LanguageModelTrainable> load) {
    }

    private static int[] labels(List<EncodedExample> split) {
        return split.stream().mapToInt(EncodedExample::label).toArray();
    }

    private static int[] answers(List<EncodedChoices> split) {
        return split.stream().mapToInt(EncodedChoices::answer).toArray();
    }

    /**
     * The task kind's label names, as many as {@code --labels} says, else as many as the files use (a claim file
     * with only supported/refuted gives 2 labels, AVeriTeC 4, NLI 3).
     */
    private static List<String> labelNames(TaskKind kind, int count, Dataset... sets) {
        List<String> all = kind == TaskKind.NLI ? Labels.NLI : Labels.CLAIM;
        int n = count;
        if (n == 0) for (Dataset d : sets) if (d != null) n = Math.max(n, d.labelNames().size());
        if (n < 2 || n > all.size()) throw new Args.UsageException("--labels " + n + ": a " + kind + " task has 2.." + all.size() + " labels " + all);
        return all.subList(0, n);
    }

    /** A tokenizer and the files to copy next to each saved model so that the folder is complete. */
    private record TokenizerFiles(Tokenizer tokenizer, List<Path> files) {
    }

    /**
     * {@code --tokenizer} (a llama2.c .bin, a tokenizer.json or a folder), else the embedded tok512.bin, else the
     * model folder's tokenizer (HF files, or a llama2.c {@code tok*.bin} as this command saves it).
     */
    private static TokenizerFiles tokenizer(String modelSpec, String tokenizerSpec) {
        Path p;
        if (tokenizerSpec != null) p = Path.of(tokenizerSpec);
        else if (modelSpec.equals("embedded")) p = EmbeddedModel.stories260K().resolve("tok512.bin");
        else if (Files.isDirectory(Path.of(modelSpec))) p = Path.of(modelSpec);
        else throw new Args.UsageException("a llama2.c checkpoint needs its tokenizer: add --tokenizer tok512.bin");
        return new TokenizerFiles(Tokenizers.load(p), Files.isRegularFile(p) ? List.of(p) : LanguageModel.tokenizerFiles(p));
    }

    private static void log(String line) {
        System.err.println("[finetune] " + line);
    }
}
