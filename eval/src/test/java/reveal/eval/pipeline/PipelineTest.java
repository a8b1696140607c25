package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.attribution.store.RecordLog;
import reveal.engine.io.Json;
import reveal.eval.knowledge.KnownAnswerTask;
import reveal.model.LanguageModel;
import reveal.model.data.TaskKind;

/** The whole pipeline on the embedded stories260K and a very small known-answer task, then a resumed rerun. */
class PipelineTest {

    static PipelineConfig tiny(Path out) {
        return PipelineConfig.demo(out)
                .withTask(PipelineConfig.Task.knownAnswer(new KnownAnswerTask.Sizes(4, 2, 4, 6), 7))
                .withFinetune(PipelineConfig.Training.epochs(3e-3, 1, 8))
                .withRetrain(new PipelineConfig.Training(3e-3, 1, 8, 4))
                .withProtocol(new PipelineConfig.Protocol(new double[] {0.5}, new long[] {1, 2}, 3, 0.5, 2, 0.95))
                .withMethods(new PipelineConfig.Methods(2, 0.1, 10, 5, 5, PipelineConfig.Lissa.steps(0.01, 10, 4)))
                .withThreads(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsEveryStageWritesTheReportAndResumes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Path report = Pipeline.run(tiny(out));
        assertEquals(out.resolve("report.html").toAbsolutePath(), report);
        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        for (String section : List.of("finetune", "known_answer", "neuron_faithfulness", "retraining", "lds", "overlap", "diversity", "heatmaps", "examples", "run", "verdicts"))
            assertTrue(summary.containsKey(section), "summary lacks " + section);

        // 16 facts with 2 training claims each: random retrieval has precision 2/32 in expectation.
        Map<String, Object> ka = (Map<String, Object>) summary.get("known_answer");
        assertEquals(2.0 / 32, ((Number) ((Map<String, Object>) ka.get("random")).get("precision_at_k")).doubleValue(), 1e-12);
        assertEquals(4, ((List<?>) ka.get("methods")).size());
        // Neuron attribution covered every training and test instance.
        assertEquals(32, RecordLog.readAll(out.resolve("na/train.jsonl")).size());
        assertEquals(6, RecordLog.readAll(out.resolve("na/test.jsonl")).size());
        // Subset models: 4 rankings x most/least x 2 seeds at 50%, 2 random 90% for the gate, 3 LDS models (also the
        // random 50% arm); identical subsets with the same seed are one model, so at most that many records.
        List<Map<String, Object>> models = RecordLog.readAll(out.resolve("retraining/models.jsonl"));
        assertTrue(models.size() <= 1 + 4 * 2 * 2 + 2 + 3 && models.size() >= 1 + 2 + 3 + 2 * 2, "settings + models: " + models.size());
        Map<String, Object> retraining = (Map<String, Object>) summary.get("retraining");
        List<?> cells = (List<?>) retraining.get("cells");
        assertEquals(1 + 4 * 2, cells.size(), "random + 4 rankings x most/least at one fraction");
        for (Object c : cells) {
            Map<String, Object> acc = (Map<String, Object>) ((Map<String, Object>) c).get("accuracy");
            double mean = ((Number) acc.get("mean")).doubleValue();
            assertTrue(mean >= 0 && mean <= 1, "an accuracy: " + mean);
        }
        // Every comparison is a verdict with a stable id; one epoch of training does not pass the gate, so every
        // retraining verdict is inconclusive and says why.
        List<Map<String, Object>> verdicts = (List<Map<String, Object>>) summary.get("verdicts");
        List<String> ids = verdicts.stream().map(v -> (String) v.get("id")).toList();
        for (String id : List.of("finetune.learns", "retrieval.gs_cosine.mrr_vs_random", "retrieval.na_instances.precision_vs_random",
                "neurons.na.suppress_vs_random", "neurons.ia_neurons.lissa.sufficiency_vs_random", "neurons.na.specificity",
                "retraining.gs_dot.most_vs_random.50", "retraining.lissa.most_vs_least.50", "lds.gs_cosine", "lds.na_instances"))
            assertTrue(ids.contains(id), "verdict " + id + " in " + ids);
        assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "ids are unique");
        for (Map<String, Object> v : verdicts)
            assertTrue(List.of("supported", "not_supported", "inconclusive").contains(v.get("verdict")), "verdict word: " + v);
        Map<String, Object> gate = (Map<String, Object>) retraining.get("gate");
        if (!Boolean.TRUE.equals(gate.get("passed")))
            for (Map<String, Object> v : verdicts)
                if (((String) v.get("id")).startsWith("retraining.")) assertEquals("inconclusive", v.get("verdict"), "gated: " + v);
        assertTrue(((List<?>) summary.get("sanity")).size() >= 2);
        String html = Files.readString(report);
        assertTrue(html.contains("Known-answer task") && html.contains("Closing note") && html.contains("<svg"));
        assertTrue(html.contains("Verdicts") && html.contains("retrieval.gs_cosine.mrr_vs_random") && html.contains("Linear datamodeling score"));

        // A rerun finds every stage done and renders the same numbers.
        Pipeline.run(tiny(out));
        Map<String, Object> again = Json.parseObject(Files.readString(out.resolve("summary.json")));
        assertEquals(summary.get("known_answer"), again.get("known_answer"));
        assertEquals(summary.get("retraining"), again.get("retraining"));
        assertEquals(summary.get("verdicts"), again.get("verdicts"));
        for (Object st : (List<?>) ((Map<String, Object>) again.get("run")).get("stages"))
            assertEquals(true, ((Map<String, Object>) st).get("resumed"), "stage resumed: " + st);

        // Other settings in the same folder are refused rather than mixed in.
        assertThrows(IllegalStateException.class, () -> Pipeline.run(tiny(out).withSeed(43)));
    }

    /** The tiny settings on a tiny multiple-choice (CSQA-format) task: 16 training, 6 dev and 6 test questions of 3 choices. */
    static PipelineConfig tinyChoice(Path out, Path data) throws Exception {
        Files.createDirectories(data);
        return tiny(out).withTask(PipelineConfig.Task.files(TaskKind.CHOICE, ChoiceTasks.write(data.resolve("train.jsonl"), 16, 0, "ABC"),
                ChoiceTasks.write(data.resolve("dev.jsonl"), 6, 16, "ABC"), ChoiceTasks.write(data.resolve("test.jsonl"), 6, 22, "ABC")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsEveryStageOnAMultipleChoiceTaskAndResumes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run"), data = dir.resolve("data");
        Pipeline.run(tinyChoice(out, data));
        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        List<String> stages = ((List<Map<String, Object>>) ((Map<String, Object>) summary.get("run")).get("stages")).stream().map(st -> (String) st.get("name")).toList();
        assertEquals(List.of("finetune", "instance-attribution", "neuron-attribution", "bridges", "neuron-faithfulness", "analyses", "retraining", "lds"), stages,
                "every stage but the known-answer one");
        for (String section : List.of("finetune", "neuron_faithfulness", "retraining", "lds", "overlap", "diversity", "heatmaps", "examples", "verdicts"))
            assertTrue(summary.containsKey(section), "summary lacks " + section);
        assertFalse(summary.containsKey("known_answer"), "no ground truth, no known-answer section");

        // Accuracy is choice accuracy: a share of the 6 test questions, as are the dev accuracies and the majority baseline.
        Map<String, Object> finetune = (Map<String, Object>) summary.get("finetune");
        List<Double> accuracies = new java.util.ArrayList<>();
        accuracies.add(((Number) finetune.get("test_accuracy")).doubleValue());
        accuracies.add(((Number) finetune.get("majority_test_accuracy")).doubleValue());
        for (Object a : (List<?>) finetune.get("dev_accuracy")) accuracies.add(((Number) a).doubleValue());
        for (Object c : (List<?>) ((Map<String, Object>) summary.get("retraining")).get("cells"))
            accuracies.add(((Number) ((Map<String, Object>) ((Map<String, Object>) c).get("accuracy")).get("mean")).doubleValue());
        Map<String, Object> ldsAccuracy = (Map<String, Object>) ((Map<String, Object>) summary.get("lds")).get("model_test_accuracy");
        accuracies.add(((Number) ldsAccuracy.get("mean")).doubleValue());
        for (double a : accuracies) assertTrue(a >= 0 && a <= 1, "an accuracy: " + a);
        double test = accuracies.get(0);
        assertEquals(Math.round(6 * test), 6 * test, 1e-9, "a share of the 6 test questions: " + test);

        // The scorer has one label; NA covered every question and names a choice as each one's prediction.
        LanguageModel scorer = LanguageModel.load(out.resolve("finetune/best"), new reveal.engine.cpu.CpuBackend(1));
        assertEquals(1, scorer.config().numLabels());
        assertEquals(16, RecordLog.readAll(out.resolve("na/train.jsonl")).size());
        for (Map<String, Object> r : RecordLog.readAll(out.resolve("na/test.jsonl"))) {
            int predicted = ((Number) r.get("predicted")).intValue();
            assertTrue(predicted >= 0 && predicted < 3, "a choice index: " + predicted);
        }
        // The neuron tests read the softmax over each question's 3 choices.
        Map<String, Object> neurons = Json.parseObject(Files.readString(out.resolve("faithfulness/neurons.json")));
        for (Object row : (List<?>) neurons.get("baseline_probabilities")) {
            List<?> p = (List<?>) row;
            assertEquals(3, p.size());
            assertEquals(1.0, p.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum(), 1e-9);
        }
        assertFalse(neurons.containsKey("specificity"));

        List<Map<String, Object>> verdicts = (List<Map<String, Object>>) summary.get("verdicts");
        List<String> ids = verdicts.stream().map(v -> (String) v.get("id")).toList();
        for (String id : List.of("finetune.learns", "neurons.na.suppress_vs_random", "neurons.na.enhance_vs_random", "neurons.na.sufficiency_vs_random",
                "neurons.ia_neurons.gs_dot.suppress_vs_random", "neurons.ia_neurons.lissa.sufficiency_vs_random",
                "retraining.gs_dot.most_vs_random.50", "retraining.na_instances.most_vs_least.50", "retraining.lissa.random_vs_least.50",
                "lds.gs_dot", "lds.gs_cosine", "lds.lissa", "lds.na_instances"))
            assertTrue(ids.contains(id), "verdict " + id + " in " + ids);
        assertTrue(ids.stream().noneMatch(id -> id.startsWith("retrieval.") || id.equals("neurons.na.specificity")), "no known-answer verdicts: " + ids);
        assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "ids are unique");
        for (Map<String, Object> v : verdicts)
            assertTrue(List.of("supported", "not_supported", "inconclusive").contains(v.get("verdict")), "verdict word: " + v);
        // The report's examples show questions with their lettered choices.
        Map<String, Object> example = (Map<String, Object>) ((List<?>) summary.get("examples")).get(0);
        assertTrue(((String) example.get("text")).contains("(A) ") && List.of("A", "B", "C").contains(example.get("predicted")), "example: " + example);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Verdicts") && !html.contains("Known-answer task"));

        // A rerun finds every stage done and renders the same numbers.
        Pipeline.run(tinyChoice(out, data));
        Map<String, Object> again = Json.parseObject(Files.readString(out.resolve("summary.json")));
        for (String section : List.of("finetune", "neuron_faithfulness", "retraining", "lds", "overlap", "diversity", "heatmaps", "examples", "verdicts"))
            assertEquals(summary.get(section), again.get(section), section);
        for (Object st : (List<?>) ((Map<String, Object>) again.get("run")).get("stages"))
            assertEquals(true, ((Map<String, Object>) st).get("resumed"), "stage resumed: " + st);
    }
}
