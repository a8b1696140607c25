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
                .withFractions(0.5)
                .withRandomSeeds(1, 2)
                .withMethods(new PipelineConfig.Methods(2, 0.1, 10, 5, 5, 0.01, 10, 4))
                .withThreads(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsEveryStageWritesTheReportAndResumes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Path report = Pipeline.run(tiny(out));
        assertEquals(out.resolve("report.html").toAbsolutePath(), report);
        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        for (String section : List.of("finetune", "known_answer", "neuron_faithfulness", "retraining", "overlap", "diversity", "heatmaps", "examples", "run"))
            assertTrue(summary.containsKey(section), "summary lacks " + section);

        // 16 facts with 2 training claims each: random retrieval has precision 2/32 in expectation.
        Map<String, Object> ka = (Map<String, Object>) summary.get("known_answer");
        assertEquals(2.0 / 32, ((Number) ((Map<String, Object>) ka.get("random")).get("precision_at_k")).doubleValue(), 1e-12);
        assertEquals(4, ((List<?>) ka.get("methods")).size());
        // Neuron attribution covered every training and test instance.
        assertEquals(32, RecordLog.readAll(out.resolve("na/train.jsonl")).size());
        assertEquals(6, RecordLog.readAll(out.resolve("na/test.jsonl")).size());
        // Retraining: 4 rankings x most/least + 2 random seeds, at one fraction.
        List<?> methods = (List<?>) ((Map<String, Object>) summary.get("retraining")).get("methods");
        assertEquals(4, methods.size());
        assertEquals(1 + 4 * 2 + 2, RecordLog.readAll(out.resolve("retraining/retraining.jsonl")).size());
        for (Object m : methods) {
            double most = ((Number) ((List<?>) ((Map<String, Object>) m).get("most")).get(0)).doubleValue();
            assertTrue(most >= 0 && most <= 1, "an accuracy: " + most);
        }
        String html = Files.readString(report);
        assertTrue(html.contains("Known-answer task") && html.contains("Closing note") && html.contains("<svg"));

        // A rerun finds every stage done and renders the same numbers.
        Pipeline.run(tiny(out));
        Map<String, Object> again = Json.parseObject(Files.readString(out.resolve("summary.json")));
        assertEquals(summary.get("known_answer"), again.get("known_answer"));
        assertEquals(summary.get("retraining"), again.get("retraining"));
        for (Object st : (List<?>) ((Map<String, Object>) again.get("run")).get("stages"))
            assertEquals(true, ((Map<String, Object>) st).get("resumed"), "stage resumed: " + st);

        // Other settings in the same folder are refused rather than mixed in.
        assertThrows(IllegalStateException.class, () -> Pipeline.run(tiny(out).withSeed(43)));
    }
}
