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
import reveal.model.data.EncodedExample;
import reveal.model.data.Example;
import reveal.model.data.Labels;
import reveal.model.data.PromptEncoder;
import reveal.model.data.TaskKind;

/**
 * The three splits of a run, as examples and as encoded token ids, with the label names and, for the known-answer
 * task, the ground truth: each test claim's fact and the training positions about the same fact / statement.
 */
final class TaskData {
    final List<String> labels;
    final List<Example> train, dev, test;
    final List<EncodedExample> trainIds, devIds, testIds;
    /** Known-answer task only (else null): per test row, its fact, and the relevant training positions. */
    final List<String> testFacts;
    final List<Set<Integer>> sameFact, sameStatement;

    private TaskData(List<String> labels, List<Example> train, List<Example> dev, List<Example> test, PromptEncoder encoder,
                     List<String> testFacts, List<Set<Integer>> sameFact, List<Set<Integer>> sameStatement) {
        this.labels = List.copyOf(labels);
        this.train = train;
        this.dev = dev;
        this.test = test;
        this.trainIds = train.stream().map(encoder::encode).toList();
        this.devIds = dev.stream().map(encoder::encode).toList();
        this.testIds = test.stream().map(encoder::encode).toList();
        this.testFacts = testFacts;
        this.sameFact = sameFact;
        this.sameStatement = sameStatement;
        for (List<EncodedExample> split : List.of(trainIds, devIds, testIds))
            for (EncodedExample e : split)
                if (e.label() < 0 || e.label() >= labels.size())
                    throw new IllegalArgumentException("label " + e.label() + " outside the task's " + labels.size() + " classes " + labels);
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
            return new TaskData(Labels.CLAIM.subList(0, 2), limit(train, task.maxTrain()), limit(kat.dev(), task.maxDev()),
                    limit(test, task.maxTest()), encoder, limit(facts, task.maxTest()), limit(fact, task.maxTest()), limit(statement, task.maxTest()))
                    .checkGroundTruth();
        }
        if (task.kind() == TaskKind.CHOICE)
            throw new IllegalArgumentException("the evaluation pipeline handles NLI and claim-verification tasks; multiple-choice (listwise) tasks are not supported yet");
        Dataset train = Datasets.read(task.kind(), task.train());
        List<Example> dev = Datasets.read(task.kind(), task.dev()).examples(), test = Datasets.read(task.kind(), task.test()).examples();
        return new TaskData(train.labelNames(), limit(train.examples(), task.maxTrain()), limit(dev, task.maxDev()), limit(test, task.maxTest()),
                encoder, null, null, null);
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

    /** An example's text as the model reads it, without the answer cue. */
    static String text(Example e) {
        List<String> s = e.segments();
        return String.join(" ", s.subList(0, Math.max(1, s.size() - 1)));
    }

    static List<int[]> ids(List<EncodedExample> split) {
        return split.stream().map(EncodedExample::ids).toList();
    }

    static int[] labels(List<EncodedExample> split) {
        return split.stream().mapToInt(EncodedExample::label).toArray();
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
