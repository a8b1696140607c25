package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.Autograd;
import reveal.engine.cpu.CpuBackend;
import reveal.engine.nn.Functional;
import reveal.eval.faithfulness.SubsetModels;
import reveal.model.Classifiers;
import reveal.model.EmbeddedModel;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnHook;
import reveal.model.data.EncodedChoices;
import reveal.model.data.TaskKind;

/** What a test instance's outcome is, for each task shape. */
class TaskModelTest {
    private static LanguageModel pretrained() {
        return LanguageModel.load(EmbeddedModel.stories260K().resolve("hf_llama_layout"), new CpuBackend(1));
    }

    @Test
    void aChoiceInstancesOutcomeIsItsGoldChoicesProbabilityAmongItsChoices(@TempDir Path dir) throws Exception {
        Path file = ChoiceTasks.write(dir.resolve("csqa.jsonl"), 7, 0, "ABCD");
        TaskData data = TaskData.load(PipelineConfig.Task.files(TaskKind.CHOICE, file, file, file), TaskDataTest.encoder(), dir.resolve("task"));
        LanguageModel scorer = data.task.withNewHead(pretrained(), 3, new CpuBackend(1));
        assertEquals(1, scorer.config().numLabels(), "a listwise scorer has one label");
        List<EncodedChoices> test = ((TaskModel.Choice) data.task).test;
        int[] gold = TaskData.labels(data.test);
        SubsetModels.Outcome o = data.task.outcome(scorer, 0.25, gold);
        double[][] p = Classifiers.choiceProbabilities(scorer, test);
        for (int t = 0; t < test.size(); t++) {
            assertEquals(p[t][gold[t]], o.goldProbability()[t], 1e-15, "the gold choice's probability, test " + t);
            assertEquals(Functional.argmax(p[t]), o.predicted()[t], "the best-scored choice, test " + t);
            // Independently: each choice scored alone, one softmax over the instance's scores.
            double[] s = new double[4];
            try (Autograd.Scope g = Autograd.noGrad()) {
                for (int j = 0; j < 4; j++) s[j] = scorer.classLogits(new int[][] {test.get(t).choices()[j]}, null, null).item();
            }
            double max = Math.max(Math.max(s[0], s[1]), Math.max(s[2], s[3])), z = 0;
            for (double v : s) z += Math.exp(v - max);
            assertEquals(Math.exp(s[gold[t]] - max) / z, o.goldProbability()[t], 1e-6);
            assertEquals(1.0, p[t][0] + p[t][1] + p[t][2] + p[t][3], 1e-12);
        }
        assertEquals(Classifiers.choiceAccuracy(scorer, test), o.accuracy(gold), 1e-15, "the outcome's accuracy is the choice accuracy");
        assertEquals(0.25, o.devAccuracy());
    }

    @Test
    void aClassificationInstancesOutcomeIsItsGoldClassProbability(@TempDir Path dir) throws Exception {
        Path nli = dir.resolve("nli.jsonl");
        Files.writeString(nli, """
                {"premise": "A cat sat.", "hypothesis": "An animal sat.", "label": "entailment"}
                {"premise": "A dog ran.", "hypothesis": "Nothing moved.", "label": "contradiction"}
                {"premise": "Tim ate.", "hypothesis": "Tim was hungry.", "label": "neutral"}
                """);
        TaskData data = TaskData.load(PipelineConfig.Task.files(TaskKind.NLI, nli, nli, nli), TaskDataTest.encoder(), dir.resolve("task"));
        LanguageModel classifier = data.task.withNewHead(pretrained(), 3, new CpuBackend(1));
        assertEquals(3, classifier.config().numLabels());
        int[] gold = TaskData.labels(data.test);
        SubsetModels.Outcome o = data.task.outcome(classifier, 0.5, gold);
        double[][] p = Classifiers.probabilities(classifier, ((TaskModel.Classification) data.task).test.stream().map(e -> e.ids()).toList(), FfnHook.NONE);
        for (int t = 0; t < 3; t++) {
            assertEquals(p[t][gold[t]], o.goldProbability()[t], 1e-15);
            assertEquals(Functional.argmax(p[t]), o.predicted()[t]);
        }
        assertArrayEquals(new int[] {0, 2, 1}, gold);
        assertTrue(o.accuracy(gold) >= 0 && o.accuracy(gold) <= 1);
    }
}
