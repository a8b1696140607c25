package reveal.eval.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reveal.engine.io.Json;
import reveal.eval.stats.Outcome;
import reveal.eval.stats.Verdict;

/** Reading verdicts from a summary, the tallies across runs, and the table cells. */
class ComparisonTest {
    static Map<String, Object> summary(String verdicts) {
        return Json.parseObject("{\"title\":\"t\",\"run\":{\"model\":\"stories260K (embedded, 260K parameters, Llama)\",\"task\":\"known-answer claims\","
                + "\"seed\":42},\"finetune\":{\"test_accuracy\":0.75},\"verdicts\":" + verdicts + "}");
    }

    static String v(String id, String verdict) {
        return "{\"id\":\"" + id + "\",\"claim\":\"c " + id + "\",\"verdict\":\"" + verdict + "\",\"effect\":0.1,\"interval\":[0.05,0.15],\"p\":0.01,"
                + "\"units\":10,\"replicates\":3,\"reason\":\"r\"}";
    }

    @Test
    void readsEveryField() {
        RunVerdicts r = RunVerdicts.fromSummary("runs/demo", summary("[" + v("a.x", "not_supported") + "]"));
        assertEquals("stories260K, known-answer claims", r.label());
        assertEquals("demo", r.name());
        assertEquals(42L, r.seed());
        assertEquals(0.75, r.testAccuracy());
        assertTrue(Double.isNaN(r.majorityTestAccuracy()));
        assertEquals(-1, r.train());
        Verdict x = r.verdict("a.x");
        assertEquals(new Verdict("a.x", "c a.x", Outcome.NOT_SUPPORTED, 0.1, new double[] {0.05, 0.15}, 0.01, 10, 3, "r"), x);
        assertNull(r.verdict("a.y"));
    }

    @Test
    void malformedVerdictsNameTheFolderAndTheElement() {
        RunVerdicts.UnusableRun bad = assertThrows(RunVerdicts.UnusableRun.class,
                () -> RunVerdicts.fromSummary("runs/x", summary("[" + v("a.x", "supported") + "," + v("a.y", "maybe") + "]")));
        assertEquals("runs/x: summary.json verdicts[1] (\"a.y\") has verdict \"maybe\"; expected \"supported\", \"not_supported\" or \"inconclusive\"",
                bad.getMessage());
        RunVerdicts.UnusableRun twice = assertThrows(RunVerdicts.UnusableRun.class,
                () -> RunVerdicts.fromSummary("runs/x", summary("[" + v("a.x", "supported") + "," + v("a.x", "supported") + "]")));
        assertEquals("runs/x: summary.json has the verdict \"a.x\" twice", twice.getMessage());
        assertThrows(RunVerdicts.UnusableRun.class, () -> RunVerdicts.fromSummary("runs/x", summary("[{\"verdict\":\"supported\"}]")));
    }

    @Test
    void holdsOnlyWhenEveryRunHasTheIdWithOneVerdict() {
        RunVerdicts a = RunVerdicts.fromSummary("a", summary("[" + v("g.same", "inconclusive") + "," + v("g.split", "supported") + "," + v("g.onlyA", "supported") + "]"));
        RunVerdicts b = RunVerdicts.fromSummary("b", summary("[" + v("g.same", "inconclusive") + "," + v("g.split", "inconclusive") + "]"));
        RunVerdicts c = RunVerdicts.fromSummary("c", summary("[" + v("g.split", "not_supported") + "," + v("g.same", "inconclusive") + "]"));
        Comparison cmp = Comparison.of(List.of(a, b, c));
        assertEquals(List.of("g.same", "g.split", "g.onlyA"), cmp.ids().stream().map(Comparison.Tally::id).toList());
        assertEquals(new Comparison.Tally("g.same", "c g.same", 0, 0, 3, 0, Outcome.INCONCLUSIVE), cmp.tally("g.same"));
        assertEquals(new Comparison.Tally("g.split", "c g.split", 1, 1, 1, 0, null), cmp.tally("g.split"));
        assertEquals(new Comparison.Tally("g.onlyA", "c g.onlyA", 1, 0, 0, 2, null), cmp.tally("g.onlyA"));
        assertEquals(List.of(cmp.tally("g.same")), cmp.holding());
        assertEquals("holds across runs: inconclusive", CompareReport.holds(cmp.tally("g.same")));
        assertEquals("no: missing in 2 runs", CompareReport.holds(cmp.tally("g.onlyA")));
    }

    @Test
    void runsWithFoldersOfTheSameNameAreShownByPath() {
        RunVerdicts a = RunVerdicts.fromSummary("runs/a/out", summary("[]")), b = RunVerdicts.fromSummary("runs/b/out", summary("[]")),
                c = RunVerdicts.fromSummary("runs/c", summary("[]"));
        Comparison cmp = Comparison.of(List.of(a, b, c));
        assertEquals(List.of("runs/a/out", "runs/b/out", "c"), cmp.runs().stream().map(r -> CompareReport.shown(cmp, r)).toList());
    }

    @Test
    void cells() {
        assertEquals("-", CompareReport.cell(null));
        assertEquals("supported +0.210 [0.150, 0.270]", CompareReport.cell(new Verdict("i", "c", Outcome.SUPPORTED, 0.21, new double[] {0.15, 0.27}, 0.001, 5, 3, "r")));
        assertEquals("not supported -0.012 [-0.050, 0.030]",
                CompareReport.cell(new Verdict("i", "c", Outcome.NOT_SUPPORTED, -0.0123, new double[] {-0.05, 0.03}, 0.7, 5, 3, "r")));
        assertEquals("inconclusive 0.000", CompareReport.cell(new Verdict("i", "c", Outcome.INCONCLUSIVE, -0.0002, null, Double.NaN, 1, 3, "r")));
        assertEquals("inconclusive n/a", CompareReport.cell(new Verdict("i", "c", Outcome.INCONCLUSIVE, Double.NaN, null, Double.NaN, 0, 0, "r")));
    }
}
