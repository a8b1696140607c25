package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.eval.knowledge.KnownAnswerTask;
import reveal.model.EmbeddedModel;
import reveal.model.data.PromptEncoder;
import reveal.model.data.TaskKind;
import reveal.model.tokenizer.Tokenizers;

class TaskDataTest {
    static PromptEncoder encoder() {
        return PromptEncoder.withPaperPrefix(Tokenizers.llama2c(EmbeddedModel.stories260K().resolve("tok512.bin")), 64);
    }

    @Test
    void knownAnswerGroundTruthPointsAtTheTrainingPositionsOfTheSameFact(@TempDir Path dir) {
        KnownAnswerTask.Sizes sizes = new KnownAnswerTask.Sizes(5, 4, 4, 8);
        TaskData data = TaskData.load(PipelineConfig.Task.knownAnswer(sizes, 3), encoder(), dir);
        KnownAnswerTask task = KnownAnswerTask.generate(3, sizes);
        Map<String, Set<String>> truth = task.sameFact();
        assertEquals(List.of("supported", "refuted"), data.labels);
        assertEquals(5 * 4 * 4, data.train.size()); // people x relations x claims per fact
        for (int t = 0; t < data.test.size(); t++) {
            Set<String> ids = new TreeSet<>();
            for (int z : data.sameFact.get(t)) ids.add(data.train.get(z).id());
            assertEquals(truth.get(data.test.get(t).id()), ids);
            assertEquals(4, ids.size());
            assertTrue(data.sameFact.get(t).containsAll(data.sameStatement.get(t)));
            assertEquals(task.factOf(data.test.get(t).id()), data.testFacts.get(t));
        }
        assertTrue(Files.exists(dir.resolve("ground_truth.json")), "the generated task is kept for inspection");
        // Encoded ids start with the prefix token and keep the labels.
        TaskModel.Classification encoded = (TaskModel.Classification) data.task;
        assertEquals(data.test.get(0).label(), encoded.test.get(0).label());
        assertEquals(1, encoded.train.get(0).ids()[0]);
    }

    @Test
    void taskFilesAreReadAndLimited(@TempDir Path dir) throws Exception {
        Path nli = dir.resolve("nli.jsonl");
        Files.writeString(nli, """
                {"premise": "A cat sat.", "hypothesis": "An animal sat.", "label": "entailment"}
                {"premise": "A dog ran.", "hypothesis": "Nothing moved.", "label": "contradiction"}
                {"premise": "Tim ate.", "hypothesis": "Tim was hungry.", "label": "neutral"}
                """);
        PipelineConfig.Task task = PipelineConfig.Task.files(TaskKind.NLI, nli, nli, nli).limited(2, 0, 1);
        TaskData data = TaskData.load(task, encoder(), dir.resolve("task"));
        assertEquals(List.of("entailment", "neutral", "contradiction"), data.labels);
        assertEquals(2, data.train.size());
        assertEquals(3, data.dev.size());
        assertEquals(1, data.test.size());
        assertEquals(2, ((TaskModel.Classification) data.task).train.get(1).label());
        assertEquals(false, data.hasGroundTruth());
        assertEquals("Premise : A cat sat. / Hypothesis : An animal sat.", TaskData.text(data.train.get(0)));
        // A file of another kind than the task's is refused by the reader.
        assertThrows(IllegalArgumentException.class,
                () -> TaskData.load(PipelineConfig.Task.files(TaskKind.CHOICE, nli, nli, nli), encoder(), dir.resolve("x")));
    }

    @Test
    void choiceFilesBecomeOneSequencePerChoice(@TempDir Path dir) throws Exception {
        Path train = ChoiceTasks.write(dir.resolve("train.jsonl"), 5, 0, "ABC"), test = ChoiceTasks.write(dir.resolve("test.jsonl"), 2, 5, "ABC");
        TaskData data = TaskData.load(PipelineConfig.Task.files(TaskKind.CHOICE, train, train, test), encoder(), dir.resolve("task"));
        assertEquals(List.of("A", "B", "C"), data.labels);
        TaskModel.Choice encoded = (TaskModel.Choice) data.task;
        assertEquals(3, encoded.choices);
        assertEquals(5, encoded.train.size());
        assertEquals(2, encoded.test.get(0).answer(), "q5: answer at position 5 % 3");
        assertEquals(data.test.get(0).label(), encoded.test.get(0).answer());
        assertEquals(1, encoded.train.get(0).choices()[2][0], "every choice's sequence starts with the prefix token");
        assertEquals("Question : Where did Lily's cat sleep? / (A) park (B) tree (C) pond", TaskData.text(data.train.get(0)));
        // The gold choice's segments represent the instance in the diversity analysis.
        assertEquals(List.of("Question : Where did Lily's cat sleep?", "/ Choice : park", "/ Answer :"), data.task.representedSegments(data.train.get(0)));
        // Choice files with other letters than the training file's are refused.
        Path other = ChoiceTasks.write(dir.resolve("other.jsonl"), 2, 0, "ABCD");
        assertThrows(IllegalArgumentException.class,
                () -> TaskData.load(PipelineConfig.Task.files(TaskKind.CHOICE, train, train, other), encoder(), dir.resolve("y")));
    }
}
