package reveal.eval.faithfulness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import reveal.attribution.analysis.RetrainingSubsets;
import reveal.attribution.store.RecordLog;
import reveal.engine.io.Json;

/**
 * The instance faithfulness test (paper-method 8.3): for each ranking of the training set, re-fine-tune on the
 * most and the least influential x%, and on random x% subsets with several seeds, and record test accuracy. Each
 * finished retraining is appended to a record log, so an interrupted run resumes with the retrainings it lacks;
 * retrainings run on several worker threads, largest subsets first so the workers finish together.
 */
public final class Retraining {

    /**
     * Trains a fresh model (the pre-trained weights with a newly initialised head) on the given training positions
     * and returns its test accuracy. Called from several threads at once.
     */
    public interface Retrainer {
        double testAccuracy(int[] subset, long seed);
    }

    /**
     * @param fractions   the x values (0..1)
     * @param randomSeeds seeds of the random subsets (each also seeds its training)
     * @param trainSeed   the training seed of the most/least subsets
     */
    public record Plan(double[] fractions, long[] randomSeeds, long trainSeed) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fractions", fractions);
            m.put("random_seeds", randomSeeds);
            m.put("train_seed", trainSeed);
            return m;
        }
    }

    /** A ranking's accuracies per fraction. */
    public record Curve(String name, double[] most, double[] least) {
    }

    public record Result(Plan plan, Spread[] random, List<Curve> methods) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fractions", plan.fractions());
            Map<String, Object> random = new LinkedHashMap<>();
            random.put("seeds", plan.randomSeeds());
            random.put("accuracy", java.util.Arrays.stream(this.random).map(Spread::toJson).toList());
            m.put("random", random);
            List<Map<String, Object>> curves = new ArrayList<>();
            for (Curve c : methods) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("name", c.name());
                cm.put("most", c.most());
                cm.put("least", c.least());
                curves.add(cm);
            }
            m.put("methods", curves);
            return m;
        }
    }

    private record Job(String method, String subset, double fraction, long seed, int[] positions) {
        String key() {
            return method + "|" + subset + "|" + fraction + "|" + seed;
        }
    }

    private Retraining() {
    }

    /**
     * @param rankings   per method, a value per training position where <b>lower = more influential</b> (a rank-sum)
     * @param settings   everything the accuracies depend on besides the plan (model, data, training settings); a log
     *                   written with other settings is refused rather than mixed in
     * @param log        the record log of finished retrainings
     */
    public static Result run(Map<String, double[]> rankings, int trainSize, Plan plan, Retrainer retrainer, int workers,
                             Map<String, Object> settings, Path log) {
        List<Job> jobs = new ArrayList<>();
        for (double f : plan.fractions()) {
            for (Map.Entry<String, double[]> e : rankings.entrySet()) {
                if (e.getValue().length != trainSize) throw new IllegalArgumentException("retraining: ranking " + e.getKey() + " has " + e.getValue().length + " values for " + trainSize + " training instances");
                jobs.add(new Job(e.getKey(), "most", f, plan.trainSeed(), RetrainingSubsets.most(e.getValue(), f)));
                jobs.add(new Job(e.getKey(), "least", f, plan.trainSeed(), RetrainingSubsets.least(e.getValue(), f)));
            }
            for (long s : plan.randomSeeds()) jobs.add(new Job("random", "random", f, s, RetrainingSubsets.random(trainSize, f, s)));
        }
        Map<String, Object> identity = new LinkedHashMap<>(settings);
        identity.put("plan", plan.toJson());
        identity.put("train_size", trainSize);
        Object canonical = Json.parse(Json.write(identity));
        Map<String, Double> done = new HashMap<>();
        Object[] stored = new Object[1];
        try (RecordLog records = RecordLog.open(log, r -> {
            if (r.containsKey("settings")) stored[0] = r.get("settings");
            else done.put((String) r.get("key"), ((Number) r.get("accuracy")).doubleValue());
        })) {
            if (stored[0] == null) records.append(Map.of("settings", identity));
            else if (!Objects.equals(stored[0], canonical))
                throw new IllegalStateException("retraining log " + log + " was written with other settings (" + Json.write(stored[0])
                        + "); delete it to start over, or use another run folder");
            List<Job> todo = jobs.stream().filter(j -> !done.containsKey(j.key()))
                    .sorted(Comparator.comparingInt((Job j) -> -j.positions().length)).toList();
            if (jobs.size() > todo.size()) System.err.printf(Locale.ROOT, "[retrain] resuming: %d of %d retrainings already done%n", jobs.size() - todo.size(), jobs.size());
            execute(todo, retrainer, workers, records, done, jobs.size());
        }
        return collect(rankings, plan, done);
    }

    private static void execute(List<Job> todo, Retrainer retrainer, int workers, RecordLog records, Map<String, Double> done, int total) {
        if (todo.isEmpty()) return;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, workers));
        long start = System.nanoTime();
        int[] finished = {total - todo.size()};
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job j : todo) {
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    double acc = retrainer.testAccuracy(j.positions(), j.seed());
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("key", j.key());
                    r.put("method", j.method());
                    r.put("subset", j.subset());
                    r.put("fraction", j.fraction());
                    r.put("seed", j.seed());
                    r.put("size", j.positions().length);
                    r.put("accuracy", acc);
                    synchronized (records) {
                        records.append(r);
                        done.put(j.key(), acc);
                        finished[0]++;
                        double elapsed = (System.nanoTime() - start) / 1e9;
                        int thisRun = finished[0] - (total - todo.size());
                        System.err.printf(Locale.ROOT, "[retrain] %d/%d %s %s %.0f%% (%d instances, seed %d): test accuracy %.3f in %.1fs; about %.0fs left%n",
                                finished[0], total, j.method(), j.subset(), 100 * j.fraction(), j.positions().length, j.seed(), acc,
                                (System.nanoTime() - t0) / 1e9, elapsed / thisRun * (total - finished[0]));
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

    private static Result collect(Map<String, double[]> rankings, Plan plan, Map<String, Double> done) {
        double[] fr = plan.fractions();
        Spread[] random = new Spread[fr.length];
        for (int i = 0; i < fr.length; i++) {
            double[] runs = new double[plan.randomSeeds().length];
            for (int s = 0; s < runs.length; s++) runs[s] = done.get(new Job("random", "random", fr[i], plan.randomSeeds()[s], null).key());
            random[i] = Spread.of(runs);
        }
        List<Curve> curves = new ArrayList<>();
        for (String name : rankings.keySet()) {
            double[] most = new double[fr.length], least = new double[fr.length];
            for (int i = 0; i < fr.length; i++) {
                most[i] = done.get(new Job(name, "most", fr[i], plan.trainSeed(), null).key());
                least[i] = done.get(new Job(name, "least", fr[i], plan.trainSeed(), null).key());
            }
            curves.add(new Curve(name, most, least));
        }
        return new Result(plan, random, curves);
    }
}
