package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
