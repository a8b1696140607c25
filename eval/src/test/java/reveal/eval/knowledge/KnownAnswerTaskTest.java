package reveal.eval.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;
import reveal.model.data.Dataset;
import reveal.model.data.Datasets;
import reveal.model.data.Example;
import reveal.model.data.Labels;
import reveal.model.data.TaskKind;

class KnownAnswerTaskTest {
    static final KnownAnswerTask TASK = KnownAnswerTask.generate(42);

    @Test
    void defaultSizesAndTemplate() {
        assertEquals(1200, TASK.train().size());
        assertEquals(90, TASK.dev().size());
        assertEquals(110, TASK.test().size());
        Example first = TASK.train().get(0);
        assertEquals("train-0000", first.id());
        assertEquals(2, first.segments().size());
        assertTrue(first.segments().get(0).startsWith("Claim : "), first.segments().get(0));
        assertEquals("/ Answer :", first.segments().get(1));
        assertEquals("test-000", TASK.test().get(0).id());
        assertEquals("dev-00", TASK.dev().get(0).id());
    }

    @Test
    void sameSeedSameTaskOtherSeedOtherTask() {
        KnownAnswerTask again = KnownAnswerTask.generate(42);
        assertEquals(TASK.trainClaims(), again.trainClaims());
        assertEquals(TASK.devClaims(), again.devClaims());
        assertEquals(TASK.testClaims(), again.testClaims());
        assertEquals(TASK.sameFact(), again.sameFact());
        assertNotEquals(TASK.trainClaims(), KnownAnswerTask.generate(43).trainClaims());
    }

    @Test
    void labelsBalancedWithinFivePercent() {
        for (List<Example> split : List.of(TASK.train(), TASK.dev(), TASK.test())) {
            long supported = split.stream().filter(e -> e.label() == Labels.SUPPORTED).count();
            long refuted = split.stream().filter(e -> e.label() == Labels.REFUTED).count();
            assertEquals(split.size(), supported + refuted);
            assertTrue(Math.abs(supported - refuted) <= 0.05 * split.size(), supported + " vs " + refuted);
        }
    }

    @Test
    void groundTruthIsEveryTrainingClaimOfTheTestFact() {
        Map<String, Set<String>> sameFact = TASK.sameFact(), sameStatement = TASK.sameStatement();
        assertEquals(TASK.test().stream().map(Example::id).toList(), List.copyOf(sameFact.keySet()));
        Map<String, Claim> trainById = TASK.trainClaims().stream().collect(Collectors.toMap(Claim::id, c -> c));
        for (Claim t : TASK.testClaims()) {
            Set<String> facts = sameFact.get(t.id());
            assertEquals(6, facts.size(), t.id());
            long ofFact = TASK.trainClaims().stream().filter(c -> c.fact().equals(t.fact())).count();
            assertEquals(ofFact, facts.size());
            for (String id : facts) assertEquals(TASK.factOf(t.id()), TASK.factOf(id));
            // The held-out claim's (person, value) pair recurs in training with the same label.
            Set<String> statements = sameStatement.get(t.id());
            assertEquals(t.label() == Labels.SUPPORTED ? 3 : 1, statements.size(), t.id());
            assertTrue(facts.containsAll(statements));
            for (String id : statements) {
                Claim c = trainById.get(id);
                assertEquals(t.label(), c.label());
                assertTrue(c.text().contains(t.entity()) && c.text().contains(t.value()), c.text());
            }
        }
    }

    @Test
    void valuesNameTheirRelationAndNoOtherFactSharesAPersonValuePair() {
        Set<String> seen = new HashSet<>();
        for (Relation r : Relation.ALL)
            for (String v : r.values()) assertTrue(seen.add(v), "value '" + v + "' in two relations");
        for (Claim t : TASK.testClaims())
            for (Claim c : TASK.trainClaims())
                if (c.text().contains(t.value()) && c.entity().equals(t.entity())) assertEquals(t.fact(), c.fact());
    }

    @Test
    void heldOutPhrasingsNeverOccurInTraining() {
        Set<String> trainShapes = TASK.trainClaims().stream().map(KnownAnswerTaskTest::shape).collect(Collectors.toSet());
        Set<String> trainTexts = TASK.trainClaims().stream().map(Claim::text).collect(Collectors.toSet());
        Set<String> heldOutShapes = new HashSet<>();
        for (List<Claim> split : List.of(TASK.devClaims(), TASK.testClaims()))
            for (Claim c : split) {
                assertFalse(trainTexts.contains(c.text()), c.text());
                assertFalse(trainShapes.contains(shape(c)), c.text());
                heldOutShapes.add(shape(c));
            }
        assertEquals(12, trainShapes.size());
        assertEquals(12, heldOutShapes.size());
    }

    @Test
    void dataIsUsableByATinyModel() {
        Set<String> dev = TASK.devClaims().stream().map(Claim::fact).collect(Collectors.toSet());
        Set<String> test = TASK.testClaims().stream().map(Claim::fact).collect(Collectors.toSet());
        assertEquals(90, dev.size());
        assertEquals(110, test.size());
        assertTrue(dev.stream().noneMatch(test::contains));
        for (List<Claim> split : List.of(TASK.trainClaims(), TASK.devClaims(), TASK.testClaims()))
            for (Claim c : split) {
                int words = c.text().split(" ").length;
                assertTrue(words >= 3 && words <= 10, c.text());
            }
    }

    @Test
    void sizesAreConfigurableAndChecked() {
        KnownAnswerTask small = KnownAnswerTask.generate(1, new KnownAnswerTask.Sizes(10, 2, 8, 12));
        assertEquals(80, small.train().size());
        assertEquals(8, small.dev().size());
        assertEquals(12, small.test().size());
        small.sameFact().values().forEach(ids -> assertEquals(2, ids.size()));
        KnownAnswerTask big = KnownAnswerTask.generate(1, new KnownAnswerTask.Sizes(100, 4, 100, 150));
        assertEquals(1600, big.train().size());
        assertEquals(100, big.trainClaims().stream().map(Claim::entity).distinct().count());
        assertThrows(IllegalArgumentException.class, () -> KnownAnswerTask.generate(1, new KnownAnswerTask.Sizes(10, 3, 8, 12)));
        assertThrows(IllegalArgumentException.class, () -> KnownAnswerTask.generate(1, new KnownAnswerTask.Sizes(10, 8, 8, 12)));
        assertThrows(IllegalArgumentException.class, () -> KnownAnswerTask.generate(1, new KnownAnswerTask.Sizes(10, 2, 21, 20)));
        assertThrows(IllegalArgumentException.class, () -> KnownAnswerTask.generate(1, new KnownAnswerTask.Sizes(500, 2, 8, 12)));
        assertThrows(IllegalArgumentException.class, () -> TASK.factOf("nope"));
    }

    @Test
    void jsonlRoundTripsThroughTheDatasetReader(@TempDir Path dir) throws Exception {
        TASK.write(dir);
        for (String split : List.of("train", "dev", "test")) {
            Dataset d = Datasets.read(TaskKind.CLAIM, dir.resolve(split + ".jsonl"));
            List<Example> expected = split.equals("train") ? TASK.train() : split.equals("dev") ? TASK.dev() : TASK.test();
            assertEquals(expected, d.examples());
            assertEquals(List.of("supported", "refuted"), d.labelNames());
        }
        Map<String, Object> first = Json.parseObject(Files.readAllLines(dir.resolve("test.jsonl")).get(0));
        Claim t = TASK.testClaims().get(0);
        assertEquals(List.of("id", "claim", "evidence", "label", "fact", "value"), List.copyOf(first.keySet()));
        assertEquals(t.text(), first.get("claim"));
        assertEquals(t.fact(), first.get("fact"));
        assertEquals((long) t.label(), first.get("label"));
        Map<String, Object> truth = Json.parseObject(Files.readString(dir.resolve("ground_truth.json")));
        @SuppressWarnings("unchecked")
        Map<String, List<String>> sameFact = (Map<String, List<String>>) truth.get("same_fact");
        assertEquals(List.copyOf(TASK.sameFact().get(t.id())), sameFact.get(t.id()));
        assertEquals(110, sameFact.size());
    }

    /** A claim with its person and value blanked out: the template it was phrased with. */
    private static String shape(Claim c) {
        return c.text().replace(c.entity(), "{e}").replace(c.value(), "{v}");
    }
}
