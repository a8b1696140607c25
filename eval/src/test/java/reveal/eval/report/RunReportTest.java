package reveal.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;

class RunReportTest {

    /** A small summary in the shape the pipeline writes, with distinctive numbers to look for. */
    static Map<String, Object> syntheticSummary() {
        String json = """
            {"title": "reveal report: synthetic",
             "headline": ["GS dot recovers the known answer with precision@k 0.612 (random 0.005)", "NA suppress changes 41.0% of predictions"],
             "warnings": ["LiSSA does not retrieve the known answer clearly better than random"],
             "run": {"model": "stories260K", "task": "known-answer claims", "backend": "cpu", "train": 480, "dev": 40, "test": 60, "seed": 42,
                     "wall_seconds": 754.2,
                     "stages": [{"name": "finetune", "seconds": 61.5, "resumed": false}, {"name": "report", "seconds": 0.4, "resumed": true}],
                     "settings": {"epochs": 4, "learning_rate": 0.002}},
             "finetune": {"epochs": 3, "dev_accuracy": [0.55, 0.8, 0.875], "train_loss": [0.69, 0.4, 0.2], "best_epoch": 2, "test_accuracy": 0.8667},
             "known_answer": {
               "test": 60,
               "methods": [{"name": "GS dot", "family": "IA", "precision_at_k": 0.612, "mrr": 0.901, "statement_mrr": 0.7, "beats_random": true,
                            "precision_interval": [0.55, 0.67], "mrr_interval": [0.85, 0.95]},
                           {"name": "LiSSA", "family": "IA", "precision_at_k": 0.007, "mrr": 0.02, "statement_mrr": 0.01, "beats_random": false},
                           {"name": "NA-Instances", "family": "NA", "precision_at_k": 0.233, "mrr": 0.456, "statement_mrr": 0.3, "beats_random": true}],
               "random": {"precision_at_k": 0.005, "mrr": 0.0213, "statement_mrr": 0.009},
               "specificity": {"instances": 60, "own": {"change_rate": 0.3, "probability_drop": 0.2}, "other": {"change_rate": 0.05, "probability_drop": 0.01}}},
             "neuron_faithfulness": {"random_runs": 3, "sets": [
               {"name": "NA", "mean_size": 12.5, "modes": [
                 {"mode": "suppress", "change_rate": 0.41, "probability_drop": 0.234,
                  "random": {"change_rate": {"mean": 0.02, "std": 0.01, "runs": [0.01, 0.02, 0.03]}, "probability_drop": {"mean": 0.003, "std": 0.002, "runs": [0.001, 0.003, 0.005]}}},
                 {"mode": "enhance", "change_rate": 0.05, "probability_drop": -0.1,
                  "random": {"change_rate": {"mean": 0.01, "std": 0.0, "runs": [0.01, 0.01, 0.01]}, "probability_drop": {"mean": 0.0, "std": 0.001, "runs": [0.0, 0.001, -0.001]}}},
                 {"mode": "sufficiency", "change_rate": 0.2, "probability_drop": 0.1,
                  "random": {"change_rate": {"mean": 0.5, "std": 0.05, "runs": [0.45, 0.5, 0.55]}, "probability_drop": {"mean": 0.3, "std": 0.02, "runs": [0.28, 0.3, 0.32]}}}]}]},
             "retraining": {"fractions": [0.1, 0.5], "seeds": [42, 60, 73], "random_arm": "the 32 LDS models at 50%", "training": "2 epochs",
               "gate": {"fraction": 0.9, "required_share": 0.9, "full_accuracy": 0.8667, "majority_accuracy": 0.5, "passed": false,
                        "reason": "Retraining does not learn the task well enough to compare subsets: models retrained on random 90% subsets reach 0.613"},
               "cells": [{"ranking": null, "arm": "random", "fraction": 0.1, "accuracy": {"mean": 0.5, "std": 0.02, "runs": [0.48, 0.5, 0.52]}},
                         {"ranking": "GS dot", "arm": "most", "fraction": 0.1, "accuracy": {"mean": 0.71, "std": 0.03, "runs": [0.7, 0.71, 0.72]}},
                         {"ranking": "GS dot", "arm": "least", "fraction": 0.1, "accuracy": {"mean": 0.52, "std": 0.01, "runs": [0.52]}},
                         {"ranking": null, "arm": "random", "fraction": 0.5, "accuracy": {"mean": 0.6, "std": 0.03, "runs": [0.6]}},
                         {"ranking": "GS dot", "arm": "most", "fraction": 0.5, "accuracy": {"mean": 0.8, "std": 0.01, "runs": [0.8]}},
                         {"ranking": "GS dot", "arm": "least", "fraction": 0.5, "accuracy": {"mean": 0.55, "std": 0.01, "runs": [0.55]}}]},
             "lds": {"models": 32, "alpha": 0.5, "model_test_accuracy": {"mean": 0.64, "std": 0.05}, "sanity": "the subset models learn the task (mean test accuracy 0.640)",
               "methods": [{"name": "GS dot", "mean": 0.317, "interval": [0.25, 0.38], "test_instances": 58, "left_out": 2}]},
             "verdicts": [{"id": "retrieval.gs_dot.mrr_vs_random", "claim": "GS dot ranks the fact's claims above random", "verdict": "supported", "effect": 0.8797,
                           "interval": [0.83, 0.93], "p": 0.0001, "units": 60, "replicates": 1, "reason": "the 95% interval [0.83, 0.93] lies above 0"},
                          {"id": "retraining.gs_dot.most_vs_random.10", "claim": "most beats random", "verdict": "inconclusive", "effect": 0.21,
                           "interval": [0.1, 0.3], "p": 0.001, "units": 60, "replicates": 3, "reason": "retraining does not learn the task"},
                          {"id": "lds.gs_dot", "claim": "LDS above 0", "verdict": "supported", "effect": 0.317, "interval": [0.25, 0.38], "p": 0.0002,
                           "units": 58, "replicates": 1, "reason": "lies above 0"}],
             "verdict_counts": {"supported": 2, "not_supported": 0, "inconclusive": 1},
             "sanity": [{"check": "retraining learns the task", "passed": false, "detail": "random 90% subsets reach 0.613"}],
             "overlap": {"k": 10, "pairs": [{"ia": "GS dot", "na": "NA-Instances", "ia_fraction": 0.123, "na_fraction": 0.1234, "zero_overlap": 17}],
                         "unique_instances": [{"method": "GS dot", "count": 301}, {"method": "NA-Instances", "count": 377}],
                         "unique_neurons": [{"ia": "GS dot", "na": 23, "ia_count": 11, "shared": 4}]},
             "diversity": {"fraction": 0.1, "subsets": [{"name": "GS dot most", "size": 48, "cos_mean": 0.871, "loss_mean": 0.25, "vocab": 140, "avg_len": 17.5}]},
             "heatmaps": [{"name": "NA attribution, mean over test", "caption": "Mean IG attribution per neuron.", "values": [[0.1, -0.2, 0.3], [0.0, 0.5, -0.1]]}],
             "examples": [{"id": "test-07", "text": "Lily feeds a cat every day.", "gold": "supported", "predicted": "supported", "neurons": ["3-17", "4-2"],
                           "methods": [{"name": "GS dot", "top": [{"id": "train-0042", "text": "Lily has a pet cat.", "label": "supported", "score": 1.234, "shared": ["3-17"], "same_fact": true}]}]}]
            }""";
        return Json.parseObject(json);
    }

    @Test
    void everySectionAndNumberAppears(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.html");
        RunReport.write(syntheticSummary(), file);
        // Kept under target/ so scripts/screenshot-report.sh can render the sample for a visual check.
        Path sample = Path.of("target", "sample-report", "report.html");
        Files.createDirectories(sample.getParent());
        Files.copy(file, sample, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String html = Files.readString(file);
        for (String heading : List.of("Summary", "Known-answer task", "Neuron faithfulness", "Instance faithfulness", "Where the knowledge sits",
                "Examples: what each method points to", "IA versus NA", "Run details", "Closing note"))
            assertTrue(html.contains("<h2 id=\"s") && html.contains(heading), "missing section " + heading);
        for (String number : List.of("0.612", "0.901", "0.456", "41.0%", "0.234", "2.0% ± 1.0%", "0.003 ± 0.002", "0.710 ± 0.030", "0.500 ± 0.020", "0.123", "0.317", "[0.250, 0.380]", "0.880", "retraining.gs_dot.most_vs_random.10", "FAILED", "2 supported", "301", "377", "0.871", "1.234",
                "Lily has a pet cat.", "3-17", "same fact", "[0.550, 0.670]", "over 60 test claims", "12m 34s", "1m 02s", "0.867"))
            assertTrue(html.contains(number), "missing " + number);
        assertTrue(html.contains("LiSSA does not retrieve the known answer clearly better than random"), "the warnings are shown");
        assertTrue(html.contains("Linear datamodeling score") && html.contains("Sanity checks"));
        assertTrue(html.contains("class=\"warn\""));
        assertFalse(html.contains("NaN") || html.contains("null"), "no missing values");
        assertFalse(html.contains("<script") || html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"), "self-contained");
        assertBalanced(html);
    }

    @Test
    void partialSummaryLeavesMissingSectionsOut(@TempDir Path dir) throws Exception {
        Map<String, Object> s = syntheticSummary();
        s.keySet().retainAll(List.of("title", "run", "finetune"));
        Path file = dir.resolve("report.html");
        RunReport.write(s, file);
        String html = Files.readString(file);
        assertFalse(html.contains("Known-answer task"));
        assertTrue(html.contains("Run details"));
        assertBalanced(html);
    }

    /** Every non-void element is closed in order. */
    static void assertBalanced(String html) {
        Matcher m = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*?)(/?)>").matcher(html);
        Deque<String> open = new ArrayDeque<>();
        List<String> voids = List.of("meta", "br", "hr", "img", "link", "input");
        while (m.find()) {
            String name = m.group(2).toLowerCase();
            if (voids.contains(name) || !m.group(4).isEmpty()) continue;
            if (m.group(1).isEmpty()) open.push(name);
            else assertEquals(open.isEmpty() ? "(nothing)" : open.peek(), name, "mis-nested </" + name + "> at offset " + m.start());
            if (!m.group(1).isEmpty()) open.pop();
        }
        assertTrue(open.isEmpty(), "unclosed elements: " + open);
    }
}
