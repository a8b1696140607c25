package reveal.eval.faithfulness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reveal.attribution.analysis.RetrainingSubsets;

/**
 * The instance faithfulness test (see docs/method.md, "Retraining"): for each ranking of the training set, re-fine-tune
 * on its most and least influential x%, and on random x% subsets, each with several training seeds, and compare
 * test predictions instance by instance. Before anything is read from it, a sanity gate checks that retraining
 * learns at all: random {@link reveal.eval.pipeline.PipelineConfig.Protocol#GATE_FRACTION} subsets must come close
 * to the full model, or no retraining comparison is a finding.
 */
public final class Retraining {
    public enum Arm {
        MOST, LEAST, RANDOM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What is retrained: per ranking a value per training position where <b>lower = more influential</b> (a rank-sum),
     * the fractions, the training seeds, and optionally ready random subset models (the LDS models) that serve as the
     * random arm at their fraction.
     */
    public record Plan(Map<String, double[]> rankings, int trainSize, double[] fractions, long[] seeds, double gateFraction,
                       List<SubsetModels.Spec> randomModels, double randomModelsFraction) {
        public Plan {
            for (Map.Entry<String, double[]> e : rankings.entrySet())
                if (e.getValue().length != trainSize)
                    throw new IllegalArgumentException("retraining: ranking " + e.getKey() + " has " + e.getValue().length + " values for " + trainSize + " training instances");
        }

        /** The subsets of one arm at one fraction, one per replicate. */
        public List<SubsetModels.Spec> specs(String ranking, Arm arm, double fraction) {
            List<SubsetModels.Spec> out = new ArrayList<>();
            if (arm == Arm.RANDOM && !randomModels.isEmpty() && fraction == randomModelsFraction) return randomModels;
            for (long seed : seeds) {
                int[] subset = switch (arm) {
                    case MOST -> RetrainingSubsets.most(rankings.get(ranking), fraction);
                    case LEAST -> RetrainingSubsets.least(rankings.get(ranking), fraction);
                    case RANDOM -> RetrainingSubsets.random(trainSize, fraction, seed);
                };
                out.add(new SubsetModels.Spec(subset, seed));
            }
            return out;
        }

        /** Every model the plan needs (duplicates included; {@link SubsetModels#train} trains each once). */
        public List<SubsetModels.Spec> allSpecs() {
            List<SubsetModels.Spec> out = new ArrayList<>(specs(null, Arm.RANDOM, gateFraction));
            for (double f : fractions) {
                out.addAll(specs(null, Arm.RANDOM, f));
                for (String r : rankings.keySet()) {
                    out.addAll(specs(r, Arm.MOST, f));
                    out.addAll(specs(r, Arm.LEAST, f));
                }
            }
            return out;
        }
    }

    /** One arm at one fraction: {@code correct[replicate][test instance]} (1 = right). */
    public record Cell(String ranking, Arm arm, double fraction, double[][] correct) {
        public double accuracy() {
            return Arrays.stream(correct).flatMapToDouble(Arrays::stream).average().orElse(0);
        }

        /** Test accuracy of each replicate. */
        public double[] runs() {
            return Arrays.stream(correct).mapToDouble(r -> Arrays.stream(r).average().orElse(0)).toArray();
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ranking", ranking);
            m.put("arm", arm.label());
            m.put("fraction", fraction);
            m.put("accuracy", Spread.of(runs()).toJson());
            return m;
        }
    }

    /**
     * The sanity gate: whether random {@code fraction} subsets reach {@code share} of the full model's test accuracy
     * (and beat always predicting the majority class).
     */
    public record Gate(double fraction, double share, double fullAccuracy, double majorityAccuracy, Spread randomAccuracy) {
        public boolean passed() {
            return randomAccuracy.mean() >= share * fullAccuracy && randomAccuracy.mean() > majorityAccuracy;
        }

        /** Why the retraining verdicts can or cannot be read, in one sentence. */
        public String reason() {
            String measured = String.format(Locale.ROOT, "models retrained on random %.0f%% subsets reach test accuracy %.3f (runs %s), against %.3f for the full model and %.3f for the majority class",
                    100 * fraction, randomAccuracy.mean(), Arrays.toString(Arrays.stream(randomAccuracy.runs()).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toArray()),
                    fullAccuracy, majorityAccuracy);
            return passed() ? "Retraining learns the task: " + measured
                    : String.format(Locale.ROOT, "Retraining does not learn the task well enough to compare subsets: %s, below the %.0f%% of the full model the comparisons need", measured, 100 * share);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fraction", fraction);
            m.put("required_share", share);
            m.put("full_accuracy", fullAccuracy);
            m.put("majority_accuracy", majorityAccuracy);
            m.put("random_accuracy", randomAccuracy.toJson());
            m.put("passed", passed());
            m.put("reason", reason());
            return m;
        }
    }

    public record Result(List<Cell> cells, Gate gate) {
        public Cell cell(String ranking, Arm arm, double fraction) {
            for (Cell c : cells)
                if (c.arm() == arm && c.fraction() == fraction && (arm == Arm.RANDOM || c.ranking().equals(ranking))) return c;
            throw new IllegalArgumentException("retraining: no " + arm.label() + " cell for " + ranking + " at " + fraction);
        }
    }

    private Retraining() {
    }

    /** Reads the plan's cells from the trained models (see {@link SubsetModels#train}). */
    public static Result collect(Plan plan, Map<SubsetModels.Spec, SubsetModels.Outcome> models, int[] gold, double fullAccuracy, double majorityAccuracy,
                                 double gateShare) {
        List<Cell> cells = new ArrayList<>();
        for (double f : plan.fractions()) {
            cells.add(cell(plan, models, gold, null, Arm.RANDOM, f));
            for (String r : plan.rankings().keySet()) {
                cells.add(cell(plan, models, gold, r, Arm.MOST, f));
                cells.add(cell(plan, models, gold, r, Arm.LEAST, f));
            }
        }
        Cell gate = cell(plan, models, gold, null, Arm.RANDOM, plan.gateFraction());
        return new Result(cells, new Gate(plan.gateFraction(), gateShare, fullAccuracy, majorityAccuracy, Spread.of(gate.runs())));
    }

    private static Cell cell(Plan plan, Map<SubsetModels.Spec, SubsetModels.Outcome> models, int[] gold, String ranking, Arm arm, double fraction) {
        List<SubsetModels.Spec> specs = plan.specs(ranking, arm, fraction);
        double[][] correct = new double[specs.size()][];
        for (int i = 0; i < correct.length; i++) {
            SubsetModels.Outcome o = models.get(specs.get(i));
            if (o == null) throw new IllegalStateException("retraining: the model for " + arm.label() + " " + fraction + " seed " + specs.get(i).seed() + " was not trained");
            correct[i] = o.correct(gold);
        }
        return new Cell(ranking, arm, fraction, correct);
    }
}
