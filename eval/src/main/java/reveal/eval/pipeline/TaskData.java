package reveal.eval.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import reveal.eval.knowledge.KnownAnswerTask;
import reveal.model.data.Dataset;
import reveal.model.data.Datasets;
import reveal.model.data.ChoiceExample;
import reveal.model.data.EncodedChoices;
import reveal.model.data.EncodedExample;
import reveal.model.data.Example;
import reveal.model.data.Instance;
import reveal.model.data.Labels;
import reveal.model.data.PromptEncoder;
import reveal.model.data.TaskKind;

/**
 * The three splits of a run, as instances and, in {@link #task}, as token ids (one sequence per instance, or one per
 * choice), with the label names (for multiple choice, the choice letters) and, for the known-answer task, the
 * ground truth: each test claim's fact and the training positions about the same fact / statement.
 */
final class TaskData {
    final List<String> labels;
    final List<Instance> train, dev, test;
    /** The encoded splits, and what the pipeline does differently for classification and multiple choice. */
    final TaskModel task;
    /** Known-answer task only (else null): per test row, its fact, and the relevant training positions. */
    final List<String> testFacts;
    final List<Set<Integer>> sameFact, sameStatement;

    private TaskData(TaskKind kind, List<String> labels, List<? extends Instance> train, List<? extends Instance> dev, List<? extends Instance> test, PromptEncoder encoder,
                     List<String> testFacts, List<Set<Integer>> sameFact, List<Set<Integer>> sameStatement) {
        this.labels = List.copyOf(labels);
        this.train = List.copyOf(train);
        this.dev = List.copyOf(dev);
        this.test = List.copyOf(test);
        this.testFacts = testFacts;
        this.sameFact = sameFact;
        this.sameStatement = sameStatement;
        for (List<Instance> split : List.of(this.train, this.dev, this.test))
            for (Instance e : split)
                if (e.label() < 0 || e.label() >= labels.size())
                    throw new IllegalArgumentException("label " + e.label() + " outside the task's " + labels.size() + " classes " + labels);
        this.task = kind == TaskKind.CHOICE
                ? new TaskModel.Choice(labels.size(), choices(this.train, encoder), choices(this.dev, encoder), choices(this.test, encoder))
                : new TaskModel.Classification(labels, examples(this.train, encoder), examples(this.dev, encoder), examples(this.test, encoder));
    }

    /** Generates the known-answer task (and writes it to {@code taskDir} for inspection) or reads the task files. */
    static TaskData load(PipelineConfig.Task task, PromptEncoder encoder, Path taskDir) {
        if (task.isKnownAnswer()) {
            KnownAnswerTask kat = KnownAnswerTask.generate(task.taskSeed(), task.knownAnswer());
            kat.write(taskDir);
            List<Example> train = kat.train(), test = kat.test();
            Map<String, Integer> position = new HashMap<>();
            for (int i = 0; i < train.size(); i++) position.put(train.get(i).id(), i);
            List<String> facts = new ArrayList<>();
            List<Set<Integer>> fact = new ArrayList<>(), statement = new ArrayList<>();
            Map<String, Set<String>> sameFact = kat.sameFact(), sameStatement = kat.sameStatement();
            for (Example t : test) {
                facts.add(kat.factOf(t.id()));
                fact.add(positions(sameFact.get(t.id()), position));
                statement.add(positions(sameStatement.get(t.id()), position));
            }
            return new TaskData(TaskKind.CLAIM, Labels.CLAIM.subList(0, 2), limit(train, task.maxTrain()), limit(kat.dev(), task.maxDev()),
                    limit(test, task.maxTest()), encoder, limit(facts, task.maxTest()), limit(fact, task.maxTest()), limit(statement, task.maxTest()))
                    .checkGroundTruth();
        }
        Dataset train = Datasets.read(task.kind(), task.train());
        Dataset dev = Datasets.read(task.kind(), task.dev()), test = Datasets.read(task.kind(), task.test());
        if (task.kind() == TaskKind.CHOICE)
            for (Dataset d : List.of(dev, test))
                if (!d.labelNames().equals(train.labelNames()))
                    throw new IllegalArgumentException(d.source() + ": choices " + d.labelNames() + ", but the training file's are " + train.labelNames());
        return new TaskData(task.kind(), train.labelNames(), limit(train.instances(), task.maxTrain()), limit(dev.instances(), task.maxDev()),
                limit(test.instances(), task.maxTest()), encoder, null, null, null);
    }

    boolean hasGroundTruth() {
        return sameFact != null;
    }

    /** A limited training split must still hold every kept test claim's relevant instances. */
    private TaskData checkGroundTruth() {
        for (Set<Integer> s : sameFact)
            for (int z : s)
                if (z >= train.size())
                    throw new IllegalArgumentException("known-answer task: a training limit of " + train.size() + " drops claims the test claims are about; generate a smaller task instead of limiting it");
        return this;
    }

    /**
     * An instance's text as the model reads it, without the answer cue; a multiple-choice instance as its question
     * and its choices, lettered in order.
     */
    static String text(Instance instance) {
        if (instance instanceof ChoiceExample c) {
            List<String> parts = new ArrayList<>();
            for (int j = 0; j < c.choices().size(); j++) {
                List<String> s = c.choices().get(j);
                parts.add("(" + (char) ('A' + j) + ") " + (s.size() >= 3 ? s.get(1).replaceFirst("^/ Choice : ", "") : String.join(" ", s)));
            }
            return c.choices().get(0).get(0) + " / " + String.join(" ", parts);
        }
        List<String> s = ((Example) instance).segments();
        return String.join(" ", s.subList(0, Math.max(1, s.size() - 1)));
    }

    /** The gold labels (classes, or the gold choices' indices) of a split. */
    static int[] labels(List<Instance> split) {
        return split.stream().mapToInt(Instance::label).toArray();
    }

    private static List<EncodedExample> examples(List<Instance> split, PromptEncoder encoder) {
        return split.stream().map(i -> encoder.encode((Example) i)).toList();
    }

    private static List<EncodedChoices> choices(List<Instance> split, PromptEncoder encoder) {
        return split.stream().map(i -> new EncodedChoices(encoder.encodeChoices((ChoiceExample) i), i.label())).toList();
    }

    private static Set<Integer> positions(Set<String> ids, Map<String, Integer> position) {
        Set<Integer> out = new TreeSet<>();
        for (String id : ids) out.add(position.get(id));
        return out;
    }

    private static <T> List<T> limit(List<T> xs, int max) {
        return max > 0 && xs.size() > max ? List.copyOf(xs.subList(0, max)) : xs;
    }
}
