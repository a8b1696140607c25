package reveal.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend gives the same bits whatever the Vector API's preferred species: {@link WidthDigest} runs in
 * child JVMs at the default vector width, at 256 bits ({@code -XX:MaxVectorSize=32}) and at 128 bits
 * ({@code -XX:MaxVectorSize=16}), and every digest must agree; within each run, so must those of 1 and 2 threads.
 */
class WidthIndependenceTest {
    private static final String[][] WIDTHS = {{}, {"-XX:MaxVectorSize=32"}, {"-XX:MaxVectorSize=16"}};

    @Test
    void digestsAreTheSameAtEveryVectorWidth() throws Exception {
        List<Map<String, String>> runs = new ArrayList<>();
        for (String[] flags : WIDTHS) runs.add(run(flags));
        List<String> lanes = new ArrayList<>();
        for (Map<String, String> r : runs) lanes.add(r.get("lanes"));
        // 128 bits is narrower than any AVX2 or AVX-512 default; on a machine without either there is nothing to compare.
        assumeTrue(lanes.stream().distinct().count() > 1, "every run had the same vector width: " + lanes);
        assertEquals("4", lanes.get(2), "-XX:MaxVectorSize=16 should give 4 float lanes");
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(runs.get(i).get("threads1"), runs.get(i).get("threads2"), "1 and 2 threads differ at " + lanes.get(i) + " lanes");
        }
        Map<String, String> base = runs.get(0);
        StringBuilder diffs = new StringBuilder();
        for (int i = 1; i < runs.size(); i++) {
            for (Map.Entry<String, String> e : base.entrySet()) {
                if (e.getKey().equals("lanes")) continue;
                String other = runs.get(i).get(e.getKey());
                if (!e.getValue().equals(other)) {
                    diffs.append(String.format("%s: %s lanes %s, %s lanes %s%n", e.getKey(), lanes.get(0), e.getValue(), lanes.get(i), other));
                }
            }
        }
        if (diffs.length() > 0) fail("results depend on the vector width:\n" + diffs);
        assertTrue(base.containsKey("all"));
    }

    /** Runs the digest main in a fresh JVM with extra flags; returns its "name digest" lines as a map. */
    private static Map<String, String> run(String[] flags) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx1g"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WidthDigest.class.getName()));
        Path log = Files.createTempFile("width-digest", ".txt");
        String out;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("child " + List.of(flags) + " ran for over 5 minutes");
            }
            out = Files.readString(log);
            if (p.exitValue() != 0) fail("child " + List.of(flags) + " exited with " + p.exitValue() + ":\n" + out);
        } finally {
            Files.deleteIfExists(log);
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2 && !line.startsWith("WARNING")) result.put(parts[0], parts[1]);
        }
        if (!result.containsKey("all")) fail("child " + List.of(flags) + " printed no digest:\n" + out);
        return result;
    }
}
