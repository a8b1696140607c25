package reveal.eval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;

/**
 * {@code ./reveal compare} on the hand-made summaries under {@code src/test/resources/compare}: the values in
 * compare.json and compare.html, the last stdout line, and one-line errors for unusable folders.
 */
class CompareCommandTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(CompareCommandTest.class.getResource("/compare/" + name + "/summary.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> byId(List<Object> list, String id) {
        for (Object o : list) if (id.equals(((Map<String, Object>) o).get("id"))) return (Map<String, Object>) o;
        return null;
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoRunsWriteTablesAndTallies() throws Exception {
        Path out = tmp.resolve("cmp");
        Result r = run("compare", fixture("seed42").toString(), fixture("seed7").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(out.resolve("compare.html").toAbsolutePath().toString(), lines[lines.length - 1]);

        Map<String, Object> json = Json.parseObject(Files.readString(out.resolve("compare.json")));
        assertEquals("reveal-compare/1", json.get("format"));
        List<Object> runs = (List<Object>) json.get("runs");
        assertEquals(2, runs.size());
        Map<String, Object> a = (Map<String, Object>) runs.get(0), b = (Map<String, Object>) runs.get(1);
        assertEquals("seed42", a.get("name"));
        assertEquals("opt-125m, claim task train.jsonl", a.get("label"));
        assertEquals("opt-125m, claim task train.jsonl", b.get("label"), "a trailing slash on the model folder does not change the label");
        assertEquals(42L, a.get("seed"));
        assertEquals(7L, b.get("seed"));
        assertEquals(0.71875, a.get("test_accuracy"));
        assertEquals(0.6875, b.get("test_accuracy"));
        assertEquals(0.5, b.get("majority_test_accuracy"));
        Map<String, Object> cos = byId((List<Object>) a.get("verdicts"), "retrieval.gs_cosine.mrr_vs_random");
        assertEquals("supported", cos.get("verdict"));
        assertEquals(0.21, cos.get("effect"));
        assertEquals(List.of(0.15, 0.27), cos.get("interval"));
        Map<String, Object> lds = byId((List<Object>) a.get("verdicts"), "lds.gs_dot");
        assertNull(lds.get("interval"));
        assertNull(lds.get("p"));
        assertNull(byId((List<Object>) b.get("verdicts"), "lds.gs_dot"));

        List<Object> ids = (List<Object>) json.get("ids");
        assertEquals(List.of("finetune.learns", "retrieval.gs_cosine.mrr_vs_random", "retrieval.gs_dot.mrr_vs_random", "neurons.na.suppress_vs_random",
                "retraining.lissa.most_vs_random.10", "lds.gs_dot", "neurons.na.specificity"),
                ids.stream().map(o -> ((Map<String, Object>) o).get("id")).toList(), "first run's order, then ids only the second has");
        assertTally(byId(ids, "finetune.learns"), 2, 0, 0, 0, "supported");
        assertTally(byId(ids, "retrieval.gs_cosine.mrr_vs_random"), 2, 0, 0, 0, "supported");
        assertTally(byId(ids, "neurons.na.suppress_vs_random"), 2, 0, 0, 0, "supported");
        assertTally(byId(ids, "retrieval.gs_dot.mrr_vs_random"), 1, 0, 1, 0, null);
        assertTally(byId(ids, "retraining.lissa.most_vs_random.10"), 1, 1, 0, 0, null);
        assertTally(byId(ids, "lds.gs_dot"), 0, 0, 1, 1, null);
        assertTally(byId(ids, "neurons.na.specificity"), 1, 0, 0, 1, null);

        String html = Files.readString(out.resolve("compare.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>") && !html.contains("<script") && !html.contains("http"), "self-contained");
        assertTrue(html.contains("<td>supported +0.210 [0.150, 0.270]</td>"), "seed42's GS cosine cell");
        assertTrue(html.contains("<td>inconclusive +0.020 [-0.030, 0.070]</td>"), "seed42's GS dot cell");
        assertTrue(html.contains("<td>not supported -0.010 [-0.040, 0.020]</td>"), "seed42's retraining cell");
        assertTrue(html.contains("<td>inconclusive +0.050</td>"), "no interval: none shown");
        assertTrue(html.contains("<td>supported +0.400 [0.300, 0.500]</td>"), "seed7's specificity cell");
        // The lds table: seed42's inconclusive cell, then seed7's "-" (no such verdict).
        int ldsTable = html.indexOf("<th>gs_dot</th>");
        assertTrue(ldsTable > 0, "the lds group's column is named by the id after its group");
        String lds7 = html.substring(html.indexOf("seed7 (", ldsTable));
        assertTrue(lds7.startsWith("seed7 (opt-125m, claim task train.jsonl)</td><td class=\"n\">0.688</td><td>-</td></tr>"), lds7.substring(0, 120));
        // seed42 has no specificity verdict: its row in the neurons table ends with "-".
        int neurons = html.indexOf("<th>na.specificity</th>");
        String neurons42 = html.substring(html.indexOf("seed42 (", neurons));
        assertTrue(neurons42.startsWith("seed42 (opt-125m, claim task train.jsonl)</td><td class=\"n\">0.719</td>"
                + "<td>supported +0.125 [0.050, 0.200]</td><td>-</td></tr>"), neurons42.substring(0, 160));
        assertTrue(html.contains("<td>holds across runs: supported</td>"));
        assertTrue(html.contains("<td>no: runs differ</td>"));
        assertTrue(html.contains("<td>no: missing in 1 run</td>"));
        assertTrue(html.contains("3 of 7 claims have the same verdict in all 2 runs; 3 of them supported in every run"));
        assertTrue(html.contains("retraining.lissa.most_vs_random.10: supported in 1, not supported in 1"), "the contradiction is called out");
    }

    static void assertTally(Map<String, Object> t, int supported, int notSupported, int inconclusive, int missing, String common) {
        String id = (String) t.get("id");
        assertEquals((long) supported, t.get("supported"), id);
        assertEquals((long) notSupported, t.get("not_supported"), id);
        assertEquals((long) inconclusive, t.get("inconclusive"), id);
        assertEquals((long) missing, t.get("missing"), id);
        assertEquals(common, t.get("common_verdict"), id);
        assertEquals(common != null, t.get("holds_across_runs"), id);
    }

    @Test
    void aFolderWithoutSummaryIsOneLine() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("unfinished"));
        Result r = run("compare", fixture("seed42").toString(), empty.toString(), "--out", tmp.resolve("cmp").toString());
        assertEquals(1, r.code());
        assertEquals("reveal compare: " + empty + ": no summary.json (not a finished run; `./reveal evaluate` or `./reveal demo` writes it when the run"
                + " completes)\n", r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(tmp.resolve("cmp/compare.html")), "nothing written when a run is unusable");
    }

    @Test
    void aSummaryWithoutVerdictsIsOneLine() {
        Path old = fixture("old");
        Result r = run("compare", old.toString(), fixture("seed7").toString(), "--out", tmp.resolve("cmp").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("reveal compare: " + old + ": summary.json has no \"verdicts\" (a run from before reveal recorded verdicts"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void aMissingFolderAndNoFoldersAreRefused() {
        Result missing = run("compare", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("cmp").toString());
        assertEquals(1, missing.code());
        assertEquals("reveal compare: " + tmp.resolve("nowhere") + ": no such run folder\n", missing.err());
        Result none = run("compare", "--out", tmp.resolve("cmp").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("reveal compare: missing RUN_DIR"), none.err());
    }
}
