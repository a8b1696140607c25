package reveal.eval.faithfulness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import reveal.attribution.bridge.Neuron;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;

/**
 * The neuron faithfulness tests (docs/method.md, "Neuron tests"): a neuron set per test instance (NA neurons, or
 * IA-Neurons) is suppressed, enhanced, or kept alone (sufficiency) at the instance's last token (a multiple-choice
 * instance: see {@link ChoiceInstances}), and the change of the predictions is compared, instance by instance, with
 * random neuron sets of the same sizes drawn with the configured seeds.
 */
public final class NeuronFaithfulness {

    /** What the tests need of the fine-tuned classifier. */
    public interface Model {
        int layers();

        int ffnWidth();

        /** The FFN hook point the neuron attribution scored (and the tests edit). */
        FfnPoint point();

        /** Class probabilities {@code [row][class]} of one batch of token sequences, with {@code hook} in the forward pass. */
        double[][] probabilities(List<int[]> batch, FfnHook hook);

        /** A sequence classifier whose neurons at {@code point} were attributed. */
        static Model of(LanguageModel classifier, FfnPoint point) {
            return new Model() {
                public int layers() {
                    return classifier.decoder().numLayers();
                }

                public int ffnWidth() {
                    return classifier.decoder().ffnWidth();
                }

                public FfnPoint point() {
                    return point;
                }

                public double[][] probabilities(List<int[]> batch, FfnHook hook) {
                    return Classifiers.probabilities(classifier, batch, hook);
                }
            };
        }
    }

    /**
     * The test instances as the tests see them: their probabilities (over the classes, or over an instance's
     * choices), unedited or with each instance's own neuron set edited. {@link #of} is the sequence classifier's
     * (one sequence per instance); {@link ChoiceInstances} the listwise multiple-choice scorer's.
     */
    public interface Instances {
        int size();

        int layers();

        int ffnWidth();

        /**
         * Probabilities {@code [i][class]} of the instances {@code which[i]}, each with {@code sets.get(i)} edited as
         * {@code mode} says; {@code mode} null: unedited (the sets are ignored).
         */
        double[][] probabilities(int[] which, List<? extends Collection<Neuron>> sets, NeuronSetEdit.Mode mode);

        /** One token sequence per instance, edited at its last real token, {@code batchSize} sequences per forward pass. */
        static Instances of(Model model, List<int[]> tests, int batchSize) {
            List<int[]> rows = List.copyOf(tests);
            return new Instances() {
                public int size() {
                    return rows.size();
                }

                public int layers() {
                    return model.layers();
                }

                public int ffnWidth() {
                    return model.ffnWidth();
                }

                public double[][] probabilities(int[] which, List<? extends Collection<Neuron>> sets, NeuronSetEdit.Mode mode) {
                    double[][] out = new double[which.length][];
                    for (int from = 0; from < which.length; from += batchSize) {
                        int to = Math.min(which.length, from + batchSize);
                        List<int[]> batch = new ArrayList<>(to - from);
                        for (int i = from; i < to; i++) batch.add(rows.get(which[i]));
                        FfnHook hook = mode == null ? NeuronSetEdit.unedited(model.point(), to - from) : new NeuronSetEdit(mode, model.point(), sets.subList(from, to));
                        double[][] p = model.probabilities(batch, hook);
                        System.arraycopy(p, 0, out, from, to - from);
                    }
                    return out;
                }
            };
        }
    }

    /**
     * One edit: the real sets' effect and each random control's, instance by instance. {@link #expectedSign} says
     * which way a faithful set moves the drop relative to random sets: suppressing it should lower the predicted
     * class's probability more (+1); enhancing it should raise it more, and keeping it alone should keep the
     * prediction better (-1).
     */
    public record ModeResult(NeuronSetEdit.Mode mode, BlockingEffect real, List<BlockingEffect> controls) {
        public int expectedSign() {
            return mode == NeuronSetEdit.Mode.SUPPRESS ? 1 : -1;
        }

        /** The drops signed so that larger = what a faithful set does: {@code [1][instance]} real, {@code [control][instance]} random. */
        public double[][] signedReal() {
            return new double[][] {signed(real.drop())};
        }

        public double[][] signedControls() {
            return controls.stream().map(c -> signed(c.drop())).toArray(double[][]::new);
        }

        private double[] signed(double[] drop) {
            double[] out = drop.clone();
            for (int i = 0; i < out.length; i++) out[i] *= expectedSign();
            return out;
        }

        public Spread randomChangeRate() {
            return Spread.of(controls.stream().mapToDouble(BlockingEffect::changeRate).toArray());
        }

        public Spread randomDrop() {
            return Spread.of(controls.stream().mapToDouble(BlockingEffect::probabilityDrop).toArray());
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", mode.label());
            m.put("change_rate", real.changeRate());
            m.put("probability_drop", real.probabilityDrop());
            m.put("instances", real.instances());
            Map<String, Object> random = new LinkedHashMap<>();
            random.put("change_rate", randomChangeRate().toJson());
            random.put("probability_drop", randomDrop().toJson());
            m.put("random", random);
            return m;
        }
    }

    /** All edits of one kind of neuron set. */
    public record SetResult(String name, double meanSize, List<ModeResult> modes) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("mean_size", meanSize);
            m.put("modes", modes.stream().map(ModeResult::toJson).toList());
            return m;
        }
    }

    /**
     * Whether a claim's own neurons move it more than they move claims about other facts: {@code own} over the
     * instances themselves, {@code other} over all (instance, other) pairs, and {@code otherDrop[t]} the mean drop
     * instance t's set causes on the others (what instance t's own drop is paired with).
     */
    public record Specificity(BlockingEffect own, BlockingEffect other, double[] otherDrop) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instances", own.instances());
            m.put("own", own.toJson());
            m.put("other", other.toJson());
            return m;
        }
    }

    private final Instances tests;
    private final double[][] baseline;

    /** The tests of a sequence classifier on one token sequence per test instance, {@code batchSize} per forward pass. */
    public NeuronFaithfulness(Model model, List<int[]> tests, int batchSize) {
        this(Instances.of(model, tests, batchSize));
    }

    public NeuronFaithfulness(Instances tests) {
        if (tests.size() == 0) throw new IllegalArgumentException("neuron faithfulness: no test instances");
        this.tests = tests;
        this.baseline = tests.probabilities(all(), Collections.nCopies(tests.size(), List.of()), null);
    }

    /** The unedited class probabilities of the test instances. */
    public double[][] baseline() {
        return baseline;
    }

    /**
     * Every mode for {@code sets} (one per test instance) against random controls of the same sizes, one per seed
     * in {@code controlSeeds}.
     */
    public SetResult evaluate(String name, List<? extends List<Neuron>> sets, long[] controlSeeds) {
        checkSets(sets);
        if (controlSeeds.length == 0) throw new IllegalArgumentException("neuron faithfulness: no random controls");
        List<List<List<Neuron>>> controls = new ArrayList<>();
        for (long s : controlSeeds) controls.add(RandomNeurons.like(sets, tests.layers(), tests.ffnWidth(), s));
        List<ModeResult> modes = new ArrayList<>();
        for (NeuronSetEdit.Mode mode : NeuronSetEdit.Mode.values()) {
            List<BlockingEffect> random = new ArrayList<>();
            for (List<List<Neuron>> c : controls) random.add(effect(c, mode));
            modes.add(new ModeResult(mode, effect(sets, mode), random));
        }
        double size = sets.stream().mapToInt(s -> new LinkedHashSet<>(s).size()).average().orElse(0);
        return new SetResult(name, size, modes);
    }

    /** The effect of one edit of every test instance's own set. */
    public BlockingEffect effect(List<? extends Collection<Neuron>> sets, NeuronSetEdit.Mode mode) {
        checkSets(sets);
        return BlockingEffect.measure(baseline, tests.probabilities(all(), sets, mode));
    }

    /**
     * Suppresses each test instance's set on itself and on up to {@code maxOthers} (seeded sample) test instances
     * of other groups (facts): the own effect is measured over the instances themselves, the other effect over
     * all (instance, other) pairs.
     */
    public Specificity specificity(List<? extends List<Neuron>> sets, List<String> groups, int maxOthers, long seed) {
        checkSets(sets);
        if (groups.size() != tests.size()) throw new IllegalArgumentException("specificity: " + groups.size() + " groups for " + tests.size() + " test instances");
        Random rnd = new Random(seed);
        List<double[]> ownBase = new ArrayList<>(), ownEdited = new ArrayList<>(), otherBase = new ArrayList<>(), otherEdited = new ArrayList<>();
        double[] otherDrop = new double[tests.size()];
        for (int t = 0; t < tests.size(); t++) {
            List<Integer> others = new ArrayList<>();
            for (int o = 0; o < tests.size(); o++) if (!groups.get(o).equals(groups.get(t))) others.add(o);
            Collections.shuffle(others, rnd);
            others = others.subList(0, Math.min(maxOthers, others.size()));
            int[] rows = new int[others.size() + 1];
            rows[0] = t;
            for (int i = 0; i < others.size(); i++) rows[i + 1] = others.get(i);
            double[][] edited = tests.probabilities(rows, Collections.nCopies(rows.length, sets.get(t)), NeuronSetEdit.Mode.SUPPRESS);
            ownBase.add(baseline[t]);
            ownEdited.add(edited[0]);
            double[][] base = new double[others.size()][], after = new double[others.size()][];
            for (int i = 0; i < others.size(); i++) {
                base[i] = baseline[others.get(i)];
                after[i] = edited[i + 1];
                otherBase.add(base[i]);
                otherEdited.add(after[i]);
            }
            if (others.isEmpty()) throw new IllegalArgumentException("specificity: test instance " + t + " has no instance of another group to compare with");
            otherDrop[t] = BlockingEffect.measure(base, after).probabilityDrop();
        }
        return new Specificity(BlockingEffect.measure(ownBase.toArray(double[][]::new), ownEdited.toArray(double[][]::new)),
                BlockingEffect.measure(otherBase.toArray(double[][]::new), otherEdited.toArray(double[][]::new)), otherDrop);
    }

    private int[] all() {
        return IntStream.range(0, tests.size()).toArray();
    }

    private void checkSets(List<?> sets) {
        if (sets.size() != tests.size()) throw new IllegalArgumentException("neuron faithfulness: " + sets.size() + " neuron sets for " + tests.size() + " test instances");
    }
}
