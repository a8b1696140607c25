package reveal.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on real samples of each format (src/test/resources/data, see its README) and on malformed input. */
class DatasetsTest {
    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(DatasetsTest.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(List<? extends Instance> xs, int label) {
        return xs.stream().filter(x -> x.label() == label).count();
    }

    @Test
    void readsEsnliLinesWithStrippedTextAndLineIds() {
        Dataset d = Datasets.read(TaskKind.NLI, resource("snli/esnli_dev"));
        assertEquals("nli-lines", d.format());
        assertEquals(Labels.NLI, d.labelNames());
        List<Example> xs = d.examples();
        assertEquals(30, xs.size());
        assertEquals(new Example("0", List.of("Premise : Two women are embracing while holding to go packages .",
                "/ Hypothesis : The sisters are hugging goodbye while holding to go packages after just eating lunch .",
                "/ Answer :"), Labels.NEUTRAL), xs.get(0));
        assertEquals(Labels.ENTAILMENT, xs.get(1).label());
        assertEquals(Labels.CONTRADICTION, xs.get(2).label());
        assertEquals(9, count(xs, Labels.ENTAILMENT));
        assertEquals(8, count(xs, Labels.NEUTRAL));
        assertEquals(13, count(xs, Labels.CONTRADICTION));
        // Naming one of the three files reads the same split.
        assertEquals(xs, Datasets.read(TaskKind.NLI, resource("snli/esnli_dev/labels.dev")).examples());
    }

    @Test
    void joinsMnliHardTextWithPairIdsFromTheHardnessCsv() {
        List<Example> lines = Datasets.read(TaskKind.NLI, resource("mnli/matched_hard")).examples();
        Dataset d = Datasets.read(TaskKind.NLI, resource("mnli/mnli_validation_matched_hardness.csv"));
        assertEquals("mnli-hard-csv", d.format());
        List<Example> xs = d.examples();
        assertEquals(30, xs.size());
        assertEquals(List.of("63735n", "91383c", "755e"), xs.subList(0, 3).stream().map(Example::id).toList());
        assertEquals("117752n", xs.get(29).id());
        assertEquals(List.of("Premise : The new rights are nice enough",
                "/ Hypothesis : Everyone really likes the newest benefits", "/ Answer :"), xs.get(0).segments());
        for (int i = 0; i < 30; i++) {
            assertEquals(lines.get(i).segments(), xs.get(i).segments());
            assertEquals(lines.get(i).label(), xs.get(i).label());
        }
        assertEquals(List.of(Labels.NEUTRAL, Labels.CONTRADICTION, Labels.ENTAILMENT),
                xs.subList(0, 3).stream().map(Example::label).toList());
        assertEquals(13, count(xs, Labels.ENTAILMENT));
        assertEquals(9, count(xs, Labels.NEUTRAL));
        assertEquals(8, count(xs, Labels.CONTRADICTION));
    }

    @Test
    void readsHansWithNonEntailmentAsContradiction() {
        Dataset d = Datasets.read(TaskKind.NLI, resource("hans/hans_eval_part_a.jsonl"));
        assertEquals("hans-jsonl", d.format());
        List<Example> xs = d.examples();
        assertEquals(30, xs.size());
        assertEquals(new Example("0", List.of("Premise : The student that called the president advised the judges .",
                "/ Hypothesis : The president advised the judges .", "/ Answer :"), Labels.CONTRADICTION), xs.get(0));
        assertEquals("Premise : Hopefully the doctors recognized the authors .", xs.get(1).segments().get(0));
        assertEquals(18, count(xs, Labels.CONTRADICTION));
        assertEquals(12, count(xs, Labels.ENTAILMENT));
        assertEquals(0, count(xs, Labels.NEUTRAL));
        assertEquals(Labels.ENTAILMENT, Labels.hansVerdict(Labels.ENTAILMENT));
        assertEquals(Labels.CONTRADICTION, Labels.hansVerdict(Labels.NEUTRAL));
    }

    @Test
    void readsGenericNliJsonlInBothFieldSpellings() throws Exception {
        Path f = write("nli.jsonl",
                "{\"query\": \"A man sleeps .\", \"document\": \"A person rests .\", \"label\": 0, \"idx\": 7}",
                "",
                "{\"query\": \"A dog runs .\", \"document\": \"A cat sits .\", \"label\": \"contradiction\"}");
        List<Example> xs = Datasets.read(TaskKind.NLI, f).examples();
        assertEquals(new Example("7", List.of("Premise : A man sleeps .", "/ Hypothesis : A person rests .",
                "/ Answer :"), Labels.ENTAILMENT), xs.get(0));
        assertEquals("1", xs.get(1).id());
        assertEquals(Labels.CONTRADICTION, xs.get(1).label());
        Path g = write("nli2.jsonl", "{\"id\": \"a\", \"premise\": \"P .\", \"hypothesis\": \"H .\", \"label\": \"neutral\"}");
        assertEquals(new Example("a", List.of("Premise : P .", "/ Hypothesis : H .", "/ Answer :"), Labels.NEUTRAL),
                Datasets.read(TaskKind.NLI, g).examples().get(0));
    }

    @Test
    void buildsAveritecEvidenceFromFirstAnswersWithoutSeparator() {
        Dataset d = Datasets.read(TaskKind.CLAIM, resource("averitec/dev.json"));
        assertEquals("averitec-json", d.format());
        assertEquals(Labels.CLAIM, d.labelNames());
        List<Example> xs = d.examples();
        assertEquals(12, xs.size());
        assertEquals(new Example("0", List.of(
                "Claim : In a letter to Steve Jobs, Sean Connery refused to appear in an apple commercial.",
                "/ Evidence : (0)Where was the claim first published It was first published on Sccopertino"
                        + "(1)What kind of website is Scoopertino Scoopertino is an imaginary news organization devoted"
                        + " to ferreting out the most relevant stories in the world of Apple, whether or not they"
                        + " actually occurred - says their about page",
                "/ Answer :"), Labels.REFUTED), xs.get(0));
        // A boolean answer contributes its "Yes"/"No" only, not the explanation.
        assertEquals("/ Evidence : (0)Has Syria complied with the Chemical Weapons Convention? No",
                xs.get(5).segments().get(1));
        assertEquals("/ Evidence : (0)Was 1950's U.S GDP less than half of 2020's GDP of 33.1? Yes"
                + "(1)What was the USA's GDP in the 1950s? No answer could be found.", xs.get(9).segments().get(1));
        assertEquals(Labels.NOT_ENOUGH_EVIDENCE, xs.get(9).label());
        assertEquals(Labels.CONFLICTING, xs.get(10).label());
        assertEquals(Labels.SUPPORTED, xs.get(6).label());
        assertEquals(7, count(xs, Labels.REFUTED));
        assertEquals(2, count(xs, Labels.SUPPORTED));
    }

    @Test
    void readsFeverSymmetricClaims() {
        Dataset d = Datasets.read(TaskKind.CLAIM, resource("fever/fever_symmetric_v0.2_dev.jsonl"));
        assertEquals("claim-jsonl", d.format());
        assertEquals(List.of("supported", "refuted"), d.labelNames());
        List<Example> xs = d.examples();
        assertEquals(30, xs.size());
        assertEquals(new Example("54253", List.of("Claim : Daggering is associated with the genre of death metal .",
                "/ Evidence : It is of recent origin , associated with the 2006 wave of dancehall music .",
                "/ Answer :"), Labels.REFUTED), xs.get(0));
        assertEquals("204361", xs.get(1).id());
        assertEquals(Labels.SUPPORTED, xs.get(1).label());
        assertEquals(15, count(xs, Labels.SUPPORTED));
        assertEquals("11497", xs.get(29).id());
    }

    @Test
    void readsClosedBookClaimsWithIntegerLabels() throws Exception {
        Path f = write("kat.jsonl",
                "{\"id\": \"train-0\", \"claim\": \"Lily has a pet cat.\", \"evidence\": null, \"label\": 0, \"fact\": \"Lily:pet\"}",
                "{\"id\": \"train-1\", \"claim\": \"Tim is a baker.\", \"label\": 1}");
        Dataset d = Datasets.read(TaskKind.CLAIM, f);
        assertEquals(List.of(new Example("train-0", List.of("Claim : Lily has a pet cat.", "/ Answer :"), Labels.SUPPORTED),
                new Example("train-1", List.of("Claim : Tim is a baker.", "/ Answer :"), Labels.REFUTED)), d.examples());
        assertEquals(List.of("supported", "refuted"), d.labelNames());
    }

    @Test
    void readsCsqaAsOneSegmentListPerChoice() {
        Dataset d = Datasets.read(TaskKind.CHOICE, resource("csqa/csqa_v1.11_validation.jsonl"));
        assertEquals("csqa-jsonl", d.format());
        assertEquals(List.of("A", "B", "C", "D", "E"), d.labelNames());
        List<ChoiceExample> xs = d.choiceExamples();
        assertEquals(25, xs.size());
        ChoiceExample first = xs.get(0);
        assertEquals("1afa02df02c908a558b4036e80242fac", first.id());
        assertEquals(0, first.answer());
        String q = "Question : A revolving door is convenient for two direction travel, but it also serves as a "
                + "security measure at a what?";
        assertEquals(List.of(q, "/ Choice : bank", "/ Answer :"), first.choices().get(0));
        assertEquals(List.of(q, "/ Choice : new york", "/ Answer :"), first.choices().get(4));
        assertEquals(1, xs.get(2).answer());
        assertEquals("/ Choice : bookstore", xs.get(2).choices().get(1).get(1));
        assertEquals(9, count(xs, 3));
        assertThrows(IllegalStateException.class, d::examples);
    }

    @Test
    void malformedJsonNamesFileAndLine() throws Exception {
        Path f = write("bad.jsonl",
                "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": 0}",
                "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": 1}",
                "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": }");
        assertMessage(() -> Datasets.read(TaskKind.NLI, f), "bad.jsonl:3:", "JSON");
        Path g = write("missing.jsonl",
                "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": 0}",
                "{\"premise\": \"a\", \"label\": 1}");
        assertMessage(() -> Datasets.read(TaskKind.NLI, g), "missing.jsonl:2:", "'hypothesis'");
        Path h = write("range.jsonl", "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": 3}");
        assertMessage(() -> Datasets.read(TaskKind.NLI, h), "range.jsonl:1:", "label 3 outside 0..2");
    }

    @Test
    void badLabelsNameTheirLine() throws Exception {
        Path hans = write("hans.jsonl",
                "{\"sentence1\": \"a .\", \"sentence2\": \"b .\", \"labels\": 1}",
                "{\"sentence1\": \"a .\", \"sentence2\": \"b .\", \"labels\": 2}");
        assertMessage(() -> Datasets.read(TaskKind.NLI, hans), "hans.jsonl:2:", "HANS label 2");
        Path dir = Files.createDirectory(tmp.resolve("esnli"));
        Files.writeString(dir.resolve("s1.dev"), "A man .\nA dog .\n");
        Files.writeString(dir.resolve("s2.dev"), "A person .\nA cat .\n");
        Files.writeString(dir.resolve("labels.dev"), "entailment\n-\n");
        assertMessage(() -> Datasets.read(TaskKind.NLI, dir), "labels.dev:2:", "unknown NLI label '-'");
        Files.writeString(dir.resolve("s2.dev"), "A person .\n");
        assertMessage(() -> Datasets.read(TaskKind.NLI, dir), "line counts differ", "s2.dev 1");
        Path csqa = write("csqa.jsonl",
                "{\"id\": \"q1\", \"question\": \"Where?\", \"choices\": {\"label\": [\"A\", \"B\"], \"text\": [\"x\", \"y\"]}, \"answerKey\": \"F\"}");
        assertMessage(() -> Datasets.read(TaskKind.CHOICE, csqa), "csqa.jsonl:1:", "answerKey 'F'");
        Path fever = write("fever.jsonl", "{\"id\": \"1\", \"claim\": \"c\", \"evidence\": \"e\", \"label\": \"MAYBE\"}");
        assertMessage(() -> Datasets.read(TaskKind.CLAIM, fever), "fever.jsonl:1:", "unknown claim label 'MAYBE'");
    }

    @Test
    void averitecErrorsNameTheRecordOrLine() throws Exception {
        Path missing = write("dev.json", "[",
                "{\"claim\": \"c\", \"label\": \"Supported\", \"questions\": []},",
                "{\"claim\": \"d\", \"questions\": []}",
                "]");
        assertMessage(() -> Datasets.read(TaskKind.CLAIM, missing), "dev.json record 1", "'label'");
        Path syntax = write("broken.json", "[", "{\"claim\": \"c\",", "\"label\" \"Supported\"}", "]");
        assertMessage(() -> Datasets.read(TaskKind.CLAIM, syntax), "broken.json:3:");
        Path noAnswer = write("empty.json",
                "[{\"claim\": \"c\", \"label\": \"Refuted\", \"questions\": [{\"question\": \"Q?\", \"answers\": []}]}]");
        assertEquals("/ Evidence : (0)Q? ", Datasets.read(TaskKind.CLAIM, noAnswer).examples().get(0).segments().get(1));
    }

    @Test
    void wrongKindOrUnknownLayoutIsAnError() throws Exception {
        assertMessage(() -> Datasets.read(TaskKind.NLI, resource("csqa/csqa_v1.11_validation.jsonl")),
                "csqa-jsonl", "not nli");
        assertMessage(() -> Datasets.read(TaskKind.CLAIM, resource("snli/esnli_dev")), "not claim");
        Path odd = write("odd.jsonl", "{\"text\": \"hello\", \"y\": 1}");
        assertMessage(() -> Datasets.read(TaskKind.NLI, odd), "odd.jsonl:1:", "unknown JSON Lines layout");
        Path csv = write("hard.csv", "idx,pairID,hardness", "0,1n,1", "1,2c,maybe");
        assertMessage(() -> Datasets.read(TaskKind.NLI, csv), "hard.csv:3:", "hardness(0|1)");
        assertMessage(() -> Datasets.read(TaskKind.NLI, tmp.resolve("absent.jsonl")), "no such file");
    }

    private Path write(String name, String... lines) throws Exception {
        return Files.writeString(tmp.resolve(name), String.join("\n", lines) + "\n");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts)
            assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
}
