package reveal.eval.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import reveal.attribution.analysis.ModelRepresentations;
import reveal.attribution.analysis.Representations;
import reveal.attribution.run.AttributionRun;
import reveal.engine.Backend;
import reveal.engine.nn.Functional;
import reveal.eval.faithfulness.ChoiceInstances;
import reveal.eval.faithfulness.NeuronFaithfulness;
import reveal.eval.faithfulness.SubsetModels;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;
import reveal.model.data.ChoiceExample;
import reveal.model.data.EncodedChoices;
import reveal.model.data.EncodedExample;
import reveal.model.data.Example;
import reveal.model.data.Instance;
import reveal.model.train.LanguageModelTrainable;
import reveal.model.train.Trainer;
import reveal.model.train.TrainerConfig;

/**
 * The encoded splits of a task, and the few things the pipeline does differently for the two shapes of instance,
 * so that every stage stays one code path. A {@linkplain Classification classification} instance (NLI, claims) is
 * one token sequence read by a C-class head; a {@linkplain Choice listwise multiple-choice} instance (CSQA) is one
 * sequence per choice, each scored by a one-label head, with one softmax over the instance's choice scores. Beyond
 * this type the pipeline sees instances by position and label (the gold class, or the gold choice's index): IA, NA,
 * the bridges, rankings, retraining subsets and verdicts do not depend on the shape.
 */
abstract sealed class TaskModel permits TaskModel.Classification, TaskModel.Choice {

    /** The trainable model: a classifier over the task's labels, or a one-label choice scorer; its head seeded with {@code seed}. */
    abstract LanguageModel withNewHead(LanguageModel base, long seed, Backend backend);

    /**
     * Fine-tunes {@code fresh} on the training instances at {@code positions} (in that order, repeats allowed),
     * keeping the best epoch on the dev split; the saved models carry {@code tokenizerFiles}.
     */
    abstract Trainer.Result train(LanguageModel fresh, TrainerConfig config, List<Path> tokenizerFiles, int[] positions, Path out);

    /**
     * The model's probabilities on the test split, {@code [test][k]}: over the classes, or over the instance's
     * choices. The gold entry is the label's; the prediction is the argmax.
     */
    abstract double[][] testProbabilities(LanguageModel model);

    /** IA and NA of {@code model} over the training and test splits, kept in {@code dir}. */
    abstract AttributionRun attributions(Path dir, LanguageModel model, Map<String, Object> inputs);

    /** The test instances as the neuron tests edit and read them. */
    abstract NeuronFaithfulness.Instances neuronTests(LanguageModel model, FfnPoint point, int batchSize);

    /** What the fine-tuned model says about each training instance, for the diversity analysis. */
    abstract Representations trainRepresentations(LanguageModel model);

    /** The text segments of the sequence that represents {@code instance} in the diversity analysis. */
    abstract List<String> representedSegments(Instance instance);

    /** A model's outcome on the test split: the gold label's probability and the prediction, per test instance. */
    final SubsetModels.Outcome outcome(LanguageModel model, double devAccuracy, int[] gold) {
        double[][] p = testProbabilities(model);
        double[] goldP = new double[p.length];
        int[] predicted = new int[p.length];
        for (int t = 0; t < p.length; t++) {
            goldP[t] = p[t][gold[t]];
            predicted[t] = Functional.argmax(p[t]);
        }
        return new SubsetModels.Outcome(goldP, predicted, devAccuracy);
    }

    /** NLI and claim verification: one sequence per instance, a head over the task's labels. */
    static final class Classification extends TaskModel {
        private final List<String> labels;
        final List<EncodedExample> train, dev, test;

        Classification(List<String> labels, List<EncodedExample> train, List<EncodedExample> dev, List<EncodedExample> test) {
            this.labels = List.copyOf(labels);
            this.train = train;
            this.dev = dev;
            this.test = test;
        }

        @Override
        LanguageModel withNewHead(LanguageModel base, long seed, Backend backend) {
            return Classifiers.withNewHead(base, labels, seed, backend);
        }

        @Override
        Trainer.Result train(LanguageModel fresh, TrainerConfig config, List<Path> tokenizerFiles, int[] positions, Path out) {
            LanguageModelTrainable model = LanguageModelTrainable.classifier(fresh, tokenizerFiles);
            return new Trainer(model, config, model.padId(), out).train(IntStream.of(positions).mapToObj(train::get).toList(), dev);
        }

        @Override
        double[][] testProbabilities(LanguageModel model) {
            return Classifiers.probabilities(model, ids(test), FfnHook.NONE);
        }

        @Override
        AttributionRun attributions(Path dir, LanguageModel model, Map<String, Object> inputs) {
            return new AttributionRun(dir, model, train, test, inputs, false);
        }

        @Override
        NeuronFaithfulness.Instances neuronTests(LanguageModel model, FfnPoint point, int batchSize) {
            return NeuronFaithfulness.Instances.of(NeuronFaithfulness.Model.of(model, point), ids(test), batchSize);
        }

        @Override
        Representations trainRepresentations(LanguageModel model) {
            return new ModelRepresentations(model, ids(train), train.stream().mapToInt(EncodedExample::label).toArray());
        }

        @Override
        List<String> representedSegments(Instance instance) {
            return ((Example) instance).segments();
        }

        private static List<int[]> ids(List<EncodedExample> split) {
            return split.stream().map(EncodedExample::ids).toList();
        }
    }

    /**
     * Listwise multiple choice (CSQA): a one-label scorer gives choice j the score {@code s_j = w . h_j}; the loss, the
     * prediction, IA and every probability the pipeline reads are those of {@code softmax(s)} over the instance's
     * choices. NA explains the predicted choice's probability on its sequence, and the neuron tests edit that
     * sequence ({@link ChoiceInstances} says why). In the diversity analysis an instance is represented by its gold
     * choice's sequence (its pooled state and its tokens: the question and the right answer), while its loss is the
     * listwise one over all its choices.
     */
    static final class Choice extends TaskModel {
        /** The scorer's one label. */
        static final List<String> SCORE = List.of("score");

        final int choices;
        final List<EncodedChoices> train, dev, test;

        Choice(int choices, List<EncodedChoices> train, List<EncodedChoices> dev, List<EncodedChoices> test) {
            if (choices < 2) throw new IllegalArgumentException("multiple choice: needs at least 2 choices per instance, got " + choices);
            for (List<EncodedChoices> split : List.of(train, dev, test))
                for (EncodedChoices e : split)
                    if (e.choices().length != choices)
                        throw new IllegalArgumentException("multiple choice: an instance with " + e.choices().length + " choices in a task of " + choices);
            this.choices = choices;
            this.train = train;
            this.dev = dev;
            this.test = test;
        }

        @Override
        LanguageModel withNewHead(LanguageModel base, long seed, Backend backend) {
            return Classifiers.withNewHead(base, SCORE, seed, backend);
        }

        @Override
        Trainer.Result train(LanguageModel fresh, TrainerConfig config, List<Path> tokenizerFiles, int[] positions, Path out) {
            LanguageModelTrainable model = LanguageModelTrainable.choices(fresh, choices, tokenizerFiles);
            return new Trainer(model, config, model.padId(), out).trainChoices(IntStream.of(positions).mapToObj(train::get).toList(), dev);
        }

        @Override
        double[][] testProbabilities(LanguageModel model) {
            return Classifiers.choiceProbabilities(model, test);
        }

        @Override
        AttributionRun attributions(Path dir, LanguageModel model, Map<String, Object> inputs) {
            return AttributionRun.ofChoices(dir, model, train, test, inputs, false);
        }

        @Override
        NeuronFaithfulness.Instances neuronTests(LanguageModel model, FfnPoint point, int batchSize) {
            return new ChoiceInstances(model, point, test.stream().map(EncodedChoices::choices).toList(), batchSize);
        }

        @Override
        Representations trainRepresentations(LanguageModel model) {
            double[][] hidden = Classifiers.pooledHidden(model, train.stream().map(e -> e.choices()[e.answer()]).toList());
            double[][] probabilities = Classifiers.choiceProbabilities(model, train);
            int[] answers = train.stream().mapToInt(EncodedChoices::answer).toArray();
            return new Representations() {
                public double[] lastHidden(int id) {
                    return hidden[id];
                }

                public double[] classProbabilities(int id) {
                    return probabilities[id];
                }

                public int label(int id) {
                    return answers[id];
                }
            };
        }

        @Override
        List<String> representedSegments(Instance instance) {
            ChoiceExample c = (ChoiceExample) instance;
            return c.choices().get(c.answer());
        }
    }
}
