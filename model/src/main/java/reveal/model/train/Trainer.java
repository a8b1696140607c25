package reveal.model.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.engine.io.Json;
import reveal.engine.optim.AdamW;
import reveal.engine.optim.LinearSchedule;
import reveal.engine.optim.Optimizer;
import reveal.model.data.Batch;
import reveal.model.data.EncodedChoices;
import reveal.model.data.EncodedExample;
import reveal.model.data.PromptEncoder;
import reveal.model.io.Checkpoint;
import reveal.model.io.HostTensor;
import reveal.model.io.SafetensorsWriter;

/**
 * Fine-tunes a {@link Trainable} on labelled sequences (or multiple-choice groups of sequences): shuffled
 * right-padded batches, AdamW with a linear schedule
 * and global-norm clipping, dev accuracy after each epoch, the best epoch kept in {@code out/best}. A resumable
 * checkpoint ({@code out/checkpoint}: weights, optimizer moments, position) is written atomically, so a crashed run
 * restarted with the same settings continues where it stopped and ends with the same numbers. A NaN or infinite
 * loss or gradient stops training with a clear error before any update or save.
 */
public final class Trainer {
    private final Trainable model;
    private final TrainerConfig cfg;
    private final int padId;
    private final Path out;

    /**
     * The outcome: dev accuracy and mean training loss per epoch, the best epoch (0-based) and its folder; and, for
     * budgeting, the optimizer steps this call ran (fewer than the total when it resumed) and its wall time in
     * seconds, dev evaluations and checkpoints included.
     */
    public record Result(List<Double> devAccuracy, List<Double> trainLoss, int bestEpoch, double bestDevAccuracy, Path bestDir,
                         long stepsRun, double seconds) {
    }

    public Trainer(Trainable model, TrainerConfig cfg, int padId, Path out) {
        this.model = model;
        this.cfg = cfg;
        this.padId = padId;
        this.out = out;
    }

    /** One training or dev instance: one sequence (classification) or one per choice (multiple choice). */
    private record Item(int[][] sequences, int label) {
        static List<Item> of(List<EncodedExample> examples) {
            return examples.stream().map(e -> new Item(new int[][] {e.ids()}, e.label())).toList();
        }

        static List<Item> ofChoices(List<EncodedChoices> examples) {
            return examples.stream().map(e -> new Item(e.choices(), e.answer())).toList();
        }
    }

    /** Trains on classification examples; the model sees batches of one sequence per example. */
    public Result train(List<EncodedExample> train, List<EncodedExample> dev) {
        return run(Item.of(train), Item.of(dev));
    }

    /**
     * Trains on multiple-choice examples: a batch holds every choice of its examples, example by example, and the
     * model's {@link Trainable#loss} and {@link Trainable#predict} treat each example's rows as one instance
     * (see {@link LanguageModelTrainable#choices}).
     */
    public Result trainChoices(List<EncodedChoices> train, List<EncodedChoices> dev) {
        return run(Item.ofChoices(train), Item.ofChoices(dev));
    }

    private Result run(List<Item> train, List<Item> dev) {
        if (train.isEmpty()) throw new IllegalArgumentException("train: no training examples");
        long started = System.nanoTime();
        Map<String, Tensor> params = model.parameters();
        List<Tensor> leaves = new ArrayList<>(params.values());
        AdamW opt = new AdamW(leaves, 0.9, 0.999, 1e-8, cfg.weightDecay());
        int stepsPerEpoch = (train.size() + cfg.batchSize() - 1) / cfg.batchSize();
        long total = (long) stepsPerEpoch * cfg.epochs();
        LinearSchedule schedule = new LinearSchedule(cfg.learningRate(), (long) (cfg.warmupFraction() * total), total);
        String fingerprint = fingerprint(train, dev);

        State state = State.load(out.resolve("checkpoint"), fingerprint);
        if (state != null) {
            restore(state, params, opt);
            log(state.epoch >= cfg.epochs() ? "already finished: reporting the recorded result"
                    : String.format("resuming from epoch %d step %d (best dev accuracy so far %.4f)", state.epoch + 1, state.stepInEpoch, state.bestDev));
        } else {
            state = new State();
        }
        Progress progress = new Progress(total, cfg.quiet());
        progress.skip(state.globalStep);
        long firstStep = state.globalStep;
        for (int epoch = state.epoch; epoch < cfg.epochs(); epoch++) {
            int[] order = shuffled(train.size(), cfg.seed(), epoch);
            for (int s = state.stepInEpoch; s < stepsPerEpoch; s++) {
                int from = s * cfg.batchSize(), to = Math.min(train.size(), from + cfg.batchSize());
                List<Item> items = new ArrayList<>();
                for (int i = from; i < to; i++) items.add(train.get(order[i]));
                double loss = step(items, leaves, opt, schedule.rate(state.globalStep), epoch, s);
                state.lossSum += loss;
                state.lossCount++;
                state.globalStep++;
                state.stepInEpoch = s + 1;
                progress.step(epoch, loss);
                if (cfg.checkpointEvery() > 0 && state.globalStep % cfg.checkpointEvery() == 0 && s + 1 < stepsPerEpoch) {
                    save(state, params, opt, fingerprint);
                }
            }
            double acc = score(dev.isEmpty() ? train : dev);
            state.devAccuracy.add(acc);
            state.trainLoss.add(state.lossSum / Math.max(1, state.lossCount));
            log(String.format("epoch %d/%d: train loss %.4f, %s accuracy %.4f", epoch + 1, cfg.epochs(),
                    state.trainLoss.get(epoch), dev.isEmpty() ? "train" : "dev", acc));
            if (acc > state.bestDev) { // strict: the first best epoch is kept, as HF's load_best_model_at_end
                state.bestDev = acc;
                state.bestEpoch = epoch;
                replaceDir(out.resolve("best"), model::save);
            }
            state.epoch = epoch + 1;
            state.stepInEpoch = 0;
            state.lossSum = 0;
            state.lossCount = 0;
            save(state, params, opt, fingerprint);
        }
        return new Result(List.copyOf(state.devAccuracy), List.copyOf(state.trainLoss), state.bestEpoch, state.bestDev, out.resolve("best"),
                state.globalStep - firstStep, (System.nanoTime() - started) / 1e9);
    }

    private double step(List<Item> items, List<Tensor> leaves, AdamW opt, double lr, int epoch, int s) {
        Batch batch = batch(items);
        int[] labels = items.stream().mapToInt(Item::label).toArray();
        Tensor loss = model.loss(batch, labels);
        double value = loss.item();
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(String.format("loss is %s at epoch %d, step %d; stopped before updating or saving."
                    + " Try a lower learning rate (now %g). %s", value, epoch + 1, s + 1, lr, lastGood()));
        }
        opt.zeroGrad();
        loss.backward();
        double norm = Optimizer.clipGradNorm(leaves, cfg.clipNorm());
        if (!Double.isFinite(norm)) {
            throw new TrainingDivergedException(String.format("gradient norm is %s at epoch %d, step %d; stopped before updating or saving."
                    + " Try a lower learning rate (now %g). %s", norm, epoch + 1, s + 1, lr, lastGood()));
        }
        opt.step(lr);
        opt.zeroGrad();
        return value;
    }

    private String lastGood() {
        Path checkpoint = out.resolve("checkpoint");
        return Files.isDirectory(checkpoint) ? "The last good checkpoint is in " + checkpoint
                : "No checkpoint was written yet (they are written every --checkpoint-every steps and at each epoch end).";
    }

    /** Accuracy of the model's predictions on classification examples. */
    public double accuracy(List<EncodedExample> data) {
        return score(Item.of(data));
    }

    /** Accuracy of the model's predictions on multiple-choice examples. */
    public double choiceAccuracy(List<EncodedChoices> data) {
        return score(Item.ofChoices(data));
    }

    private double score(List<Item> data) {
        if (data.isEmpty()) return Double.NaN;
        int correct = 0;
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int from = 0; from < data.size(); from += 32) {
                List<Item> items = data.subList(from, Math.min(data.size(), from + 32));
                int[] pred = model.predict(batch(items));
                for (int i = 0; i < pred.length; i++) if (pred[i] == items.get(i).label()) correct++;
            }
        }
        return (double) correct / data.size();
    }

    private Batch batch(List<Item> items) {
        List<int[]> rows = new ArrayList<>();
        for (Item item : items) rows.addAll(Arrays.asList(item.sequences()));
        return PromptEncoder.batch(rows, padId, 0);
    }

    static int[] shuffled(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Random r = new Random(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private String fingerprint(List<Item> train, List<Item> dev) {
        long h = 1125899906842597L;
        for (List<Item> part : List.of(train, dev)) {
            for (Item e : part) {
                h = 31 * h + Arrays.deepHashCode(e.sequences());
                h = 31 * h + e.label();
            }
            h = 31 * h + part.size();
        }
        // How often checkpoints are written and whether progress is shown do not change the numbers.
        return Long.toHexString(h) + "/" + cfg.withQuiet(false).withCheckpointEvery(0);
    }

    // ---------------------------------------------------------------- checkpoints

    /** Where training stands; what a checkpoint records besides weights and moments. */
    private static final class State {
        int epoch;
        int stepInEpoch;
        long globalStep;
        double lossSum;
        int lossCount;
        double bestDev = Double.NEGATIVE_INFINITY;
        int bestEpoch = -1;
        List<Double> devAccuracy = new ArrayList<>();
        List<Double> trainLoss = new ArrayList<>();

        String toJson(String fingerprint) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fingerprint", fingerprint);
            m.put("epoch", epoch);
            m.put("step_in_epoch", stepInEpoch);
            m.put("global_step", globalStep);
            m.put("loss_sum", lossSum);
            m.put("loss_count", lossCount);
            m.put("best_dev", Double.isFinite(bestDev) ? bestDev : null);
            m.put("best_epoch", bestEpoch);
            m.put("dev_accuracy", devAccuracy);
            m.put("train_loss", trainLoss);
            return Json.write(m);
        }

        static State load(Path dir, String fingerprint) {
            recover(dir);
            Path f = dir.resolve("state.json");
            if (!Files.exists(f)) return null;
            try {
                Map<String, Object> m = Json.parseObject(Files.readString(f));
                if (!fingerprint.equals(m.get("fingerprint"))) {
                    throw new IllegalStateException("the checkpoint in " + dir + " was written with other data or settings;"
                            + " use another output folder or delete it to start over");
                }
                State s = new State();
                s.epoch = ((Number) m.get("epoch")).intValue();
                s.stepInEpoch = ((Number) m.get("step_in_epoch")).intValue();
                s.globalStep = ((Number) m.get("global_step")).longValue();
                s.lossSum = ((Number) m.get("loss_sum")).doubleValue();
                s.lossCount = ((Number) m.get("loss_count")).intValue();
                s.bestDev = m.get("best_dev") == null ? Double.NEGATIVE_INFINITY : ((Number) m.get("best_dev")).doubleValue();
                s.bestEpoch = ((Number) m.get("best_epoch")).intValue();
                for (double d : Json.doubles(m.get("dev_accuracy"))) s.devAccuracy.add(d);
                for (double d : Json.doubles(m.get("train_loss"))) s.trainLoss.add(d);
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
    }

    private void save(State state, Map<String, Tensor> params, AdamW opt, String fingerprint) {
        replaceDir(out.resolve("checkpoint"), dir -> {
            model.save(dir.resolve("model"));
            Map<String, HostTensor> moments = new LinkedHashMap<>();
            int i = 0;
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor[] mv = opt.moments(i++);
                if (mv[0] == null) continue;
                moments.put("m." + e.getKey(), new HostTensor(mv[0].shape(), mv[0].toFloatArray()));
                moments.put("v." + e.getKey(), new HostTensor(mv[1].shape(), mv[1].toFloatArray()));
            }
            SafetensorsWriter.write(dir.resolve("optimizer.safetensors"), moments);
            try {
                Files.writeString(dir.resolve("state.json"), state.toJson(fingerprint));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void restore(State state, Map<String, Tensor> params, AdamW opt) {
        Path dir = out.resolve("checkpoint");
        Checkpoint weights = Checkpoint.open(dir.resolve("model"));
        Checkpoint moments = Checkpoint.open(dir.resolve("optimizer.safetensors"));
        int i = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            p.assign(Tensor.of(p.backend(), weights.floats(e.getKey()), p.shape()));
            if (moments.contains("m." + e.getKey())) {
                opt.setMoments(i, Tensor.of(p.backend(), moments.floats("m." + e.getKey()), p.shape()),
                        Tensor.of(p.backend(), moments.floats("v." + e.getKey()), p.shape()));
            }
            i++;
        }
        opt.setSteps(state.globalStep);
    }

    /**
     * Writes a folder next to {@code dir}, then swaps it in, so {@code dir} is always complete or absent; if a crash
     * falls between the two renames, {@link #recover} finds the previous complete folder in {@code dir.old}.
     */
    static void replaceDir(Path dir, java.util.function.Consumer<Path> writer) {
        try {
            Files.createDirectories(dir.getParent());
            recover(dir);
            Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            writer.accept(tmp);
            Path old = dir.resolveSibling(dir.getFileName() + ".old");
            deleteTree(old);
            if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir, e);
        }
    }

    /** Puts back {@code dir.old} when a swap by {@link #replaceDir} stopped after moving {@code dir} away. */
    static void recover(Path dir) {
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        try {
            if (!Files.exists(dir) && Files.isDirectory(old)) Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + dir + " from " + old, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private void log(String line) {
        if (!cfg.quiet()) System.err.println("[train] " + line);
    }

    /** Thrown when the loss or the gradient stops being finite. */
    public static final class TrainingDivergedException extends RuntimeException {
        TrainingDivergedException(String message) {
            super(message);
        }
    }
}
