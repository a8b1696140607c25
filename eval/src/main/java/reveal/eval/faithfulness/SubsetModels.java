package reveal.eval.faithfulness;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import reveal.attribution.store.RecordLog;
import reveal.engine.io.Json;

/**
 * Models fine-tuned on subsets of the training set, each named by its subset's content and its training seed, so
 * the retraining test and the linear datamodeling score share every model they both need (a random 50% subset is
 * both), and a resumed run trains only what its record log lacks. What each model does on every test instance is
 * kept, not just its accuracy: the verdicts pair test instances across models.
 */
public final class SubsetModels {

    /**
     * One model to train: a set of training positions, sorted so that the order in which a ranking listed them
     * cannot change the result (the trainer shuffles with the seed), and the training seed.
     */
    public record Spec(int[] subset, long seed) {
        public Spec {
            subset = subset.clone();
            Arrays.sort(subset);
            for (int i = 0; i < subset.length; i++) {
                if (subset[i] < 0) throw new IllegalArgumentException("subset model: negative training position " + subset[i]);
                if (i > 0 && subset[i] == subset[i - 1]) throw new IllegalArgumentException("subset model: training position " + subset[i] + " twice");
            }
        }

        /** The seed and a digest of the positions: equal subsets trained with equal seeds are the same model. */
        public String key() {
            ByteBuffer b = ByteBuffer.allocate(4 * subset.length);
            for (int p : subset) b.putInt(p);
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(b.array());
                return seed + ":" + subset.length + ":" + HexFormat.of().formatHex(d, 0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Spec s && s.seed == seed && Arrays.equals(s.subset, subset);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(seed) + Arrays.hashCode(subset);
        }
    }

    /** What one trained model does on the test instances: the gold class's probability and the predicted class. */
    public record Outcome(double[] goldProbability, int[] predicted, double devAccuracy) {
        public Outcome {
            if (goldProbability.length != predicted.length)
                throw new IllegalArgumentException("subset model outcome: " + goldProbability.length + " probabilities but " + predicted.length + " predictions");
            for (int t = 0; t < goldProbability.length; t++)
                if (!(goldProbability[t] >= 0 && goldProbability[t] <= 1))
                    throw new IllegalArgumentException("subset model outcome: gold probability " + goldProbability[t] + " of test instance " + t);
        }

        /** 1 where the prediction is the gold label, else 0. */
        public double[] correct(int[] gold) {
            double[] c = new double[predicted.length];
            for (int t = 0; t < c.length; t++) c[t] = predicted[t] == gold[t] ? 1 : 0;
            return c;
        }

        public double accuracy(int[] gold) {
            return Arrays.stream(correct(gold)).average().orElse(0);
        }

        /**
         * The gold class's margin, {@code log p - log(1 - p)} (the log-odds TRAK and kronfluence correlate with
         * attribution scores), with p kept inside [1e-7, 1 - 1e-7] so a saturated softmax stays finite.
         */
        public double[] margins() {
            double[] m = new double[goldProbability.length];
            for (int t = 0; t < m.length; t++) {
                double p = Math.min(1 - 1e-7, Math.max(1e-7, goldProbability[t]));
                m[t] = Math.log(p) - Math.log1p(-p);
            }
            return m;
        }
    }

    /** Fine-tunes a fresh model on {@code subset} with {@code seed}; called from several threads at once. */
    public interface Trainer {
        Outcome train(int[] subset, long seed);
    }

    private SubsetModels() {
    }

    /**
     * The outcome of every spec (duplicates are trained once), training those the log lacks on {@code workers}
     * threads, largest subsets first so the workers finish together.
     *
     * @param settings everything an outcome depends on besides its spec (model, data, training settings); a log
     *                 written with other settings is refused rather than mixed in
     */
    public static Map<Spec, Outcome> train(List<Spec> specs, Trainer trainer, int workers, Map<String, Object> settings, Path log) {
        Map<String, Spec> byKey = new LinkedHashMap<>();
        for (Spec s : specs) byKey.putIfAbsent(s.key(), s);
        Object canonical = Json.parse(Json.write(settings));
        Map<String, Outcome> done = new HashMap<>();
        Object[] stored = new Object[1];
        try (RecordLog records = RecordLog.open(log, r -> {
            if (r.containsKey("settings")) stored[0] = r.get("settings");
            else done.put(str(r, "key", log), outcome(r, log));
        })) {
            if (stored[0] == null) records.append(Map.of("settings", settings));
            else if (!Objects.equals(stored[0], canonical))
                throw new IllegalStateException("subset models log " + log + " was written with other settings (" + Json.write(stored[0])
                        + "); delete it to start over, or use another run folder");
            List<Spec> todo = byKey.entrySet().stream().filter(e -> !done.containsKey(e.getKey())).map(Map.Entry::getValue)
                    .sorted(Comparator.comparingInt((Spec s) -> -s.subset().length).thenComparing(Spec::key)).toList();
            if (byKey.size() > todo.size())
                System.err.printf(Locale.ROOT, "[retrain] resuming: %d of %d models already trained%n", byKey.size() - todo.size(), byKey.size());
            execute(todo, trainer, workers, records, done, byKey.size());
        }
        Map<Spec, Outcome> out = new HashMap<>();
        for (Spec s : specs) out.put(s, done.get(s.key()));
        return out;
    }

    private static void execute(List<Spec> todo, Trainer trainer, int workers, RecordLog records, Map<String, Outcome> done, int total) {
        if (todo.isEmpty()) return;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, workers));
        long start = System.nanoTime();
        int before = total - todo.size();
        int[] finished = {before};
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Spec s : todo) {
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    Outcome o = trainer.train(s.subset(), s.seed());
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("key", s.key());
                    r.put("seed", s.seed());
                    r.put("size", s.subset().length);
                    r.put("dev_accuracy", o.devAccuracy());
                    r.put("gold_probability", o.goldProbability());
                    r.put("predicted", o.predicted());
                    synchronized (records) {
                        records.append(r);
                        done.put(s.key(), o);
                        finished[0]++;
                        double elapsed = (System.nanoTime() - start) / 1e9;
                        System.err.printf(Locale.ROOT, "[retrain] %d/%d: %d instances, seed %d: dev accuracy %.3f in %.1fs; about %.0fs left%n",
                                finished[0], total, s.subset().length, s.seed(), o.devAccuracy(), (System.nanoTime() - t0) / 1e9,
                                elapsed / (finished[0] - before) * (total - finished[0]));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("retraining interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException("retraining failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome outcome(Map<String, Object> r, Path log) {
        Object p = r.get("gold_probability"), y = r.get("predicted"), dev = r.get("dev_accuracy");
        if (!(p instanceof List<?> pl) || !(y instanceof List<?> yl) || !(dev instanceof Number d))
            throw new IllegalStateException("subset models log " + log + ": record " + r.get("key") + " lacks gold_probability, predicted or dev_accuracy");
        return new Outcome(pl.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray(),
                yl.stream().mapToInt(v -> ((Number) v).intValue()).toArray(), d.doubleValue());
    }

    private static String str(Map<String, Object> r, String field, Path log) {
        if (!(r.get(field) instanceof String s)) throw new IllegalStateException("subset models log " + log + ": a record without a " + field);
        return s;
    }
}
