package reveal.eval.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;

/**
 * The whole pipeline (fine-tuning, attribution, neuron tests, retraining, LDS, verdicts) gives the same numbers at
 * the machine's vector width and at 128 bits: a tiny run in a child JVM with {@code -XX:MaxVectorSize=16} must write
 * the same verdicts and the same subset-model outcomes as one at the default width. A conclusion that changed with
 * the order of float additions would be noise.
 */
class WidthIndependentVerdictsTest {

    /** Runs {@link PipelineTest#tiny} into the folder given as the argument. */
    public static void main(String[] args) {
        Pipeline.run(PipelineTest.tiny(Path.of(args[0])));
    }

    @Test
    void verdictsAreTheSameAtEveryVectorWidth(@TempDir Path dir) throws Exception {
        assumeTrue(FloatVector.SPECIES_PREFERRED.length() > 4, "this machine's vectors are 128 bits already: nothing to compare");
        Path wide = dir.resolve("wide"), narrow = dir.resolve("narrow");
        run(wide, List.of());
        run(narrow, List.of("-XX:MaxVectorSize=16"));
        Map<String, Object> a = Json.parseObject(Files.readString(wide.resolve("summary.json")));
        Map<String, Object> b = Json.parseObject(Files.readString(narrow.resolve("summary.json")));
        assertFalse(((List<?>) a.get("verdicts")).isEmpty());
        assertEquals(a.get("verdicts"), b.get("verdicts"));
        assertEquals(a.get("finetune"), b.get("finetune"));
        // The workers append subset models in the order they finish: compare them by key.
        assertEquals(byKey(wide.resolve("retraining/models.jsonl")), byKey(narrow.resolve("retraining/models.jsonl")));
    }

    private static Map<Object, Map<String, Object>> byKey(Path log) {
        Map<Object, Map<String, Object>> out = new java.util.TreeMap<>(java.util.Comparator.comparing(String::valueOf));
        for (Map<String, Object> r : reveal.attribution.store.RecordLog.readAll(log)) out.put(r.getOrDefault("key", "settings"), r);
        return out;
    }

    private static void run(Path out, List<String> flags) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xss16m", "-Xmx2g"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WidthIndependentVerdictsTest.class.getName(), out.toString()));
        Path log = Files.createTempFile("width-pipeline", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the pipeline at " + flags + " did not finish in 10 minutes");
        }
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        assertEquals(0, p.exitValue(), "the pipeline at " + flags + " failed:\n" + output.substring(Math.max(0, output.length() - 4000)));
    }
}
