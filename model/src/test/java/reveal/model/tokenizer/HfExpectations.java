package reveal.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import reveal.engine.io.Json;

/** Checks a tokenizer against a fixture's hf_expected.json, written by Hugging Face tokenizers (make_hf_fixtures.py). */
final class HfExpectations {
    private HfExpectations() {
    }

    /** Every corpus string and extra string: the same ids, and decode gives the same text, as Hugging Face. */
    static void assertMatches(String fixture, Tokenizer tokenizer) {
        Map<String, Object> expected = Fixtures.json(fixture + "/hf_expected.json");
        List<String> corpus = Fixtures.corpus();
        List<Object> corpusIds = Fixtures.list(expected.get("corpus_ids"));
        Map<String, Object> decodedWhereDifferent = Fixtures.map(expected.get("corpus_decoded_where_different"));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < corpusIds.size(); i++) {
            Object decoded = decodedWhereDifferent.getOrDefault(String.valueOf(i), corpus.get(i));
            check(tokenizer, "#" + i, corpus.get(i), Json.ints(corpusIds.get(i)), (String) decoded, failures);
        }
        for (Object o : Fixtures.list(expected.get("extras"))) {
            Map<String, Object> extra = Fixtures.map(o);
            check(tokenizer, "extra", (String) extra.get("text"), Json.ints(extra.get("ids")),
                    (String) extra.get("decoded"), failures);
        }
        int total = corpusIds.size() + Fixtures.list(expected.get("extras")).size();
        assertTrue(failures.isEmpty(), fixture + ": " + failures.size() + " of " + total + " strings differ, first: "
                + failures.subList(0, Math.min(5, failures.size())));
    }

    /** The extra case of a fixture with the given text. */
    static Map<String, Object> extra(String fixture, String text) {
        for (Object o : Fixtures.list(Fixtures.json(fixture + "/hf_expected.json").get("extras"))) {
            if (Fixtures.map(o).get("text").equals(text)) return Fixtures.map(o);
        }
        throw new IllegalArgumentException(fixture + " has no extra case " + Fixtures.show(text));
    }

    private static void check(Tokenizer tokenizer, String label, String text, int[] ids, String decoded,
                              List<String> failures) {
        int[] actual = tokenizer.encode(text);
        if (!Arrays.equals(ids, actual)) {
            failures.add(label + " " + Fixtures.show(text) + ": expected " + Arrays.toString(ids) + ", got "
                    + Arrays.toString(actual));
            return;
        }
        String actualDecoded = tokenizer.decode(ids);
        if (!decoded.equals(actualDecoded)) {
            failures.add(label + " " + Fixtures.show(text) + " decodes to " + Fixtures.show(actualDecoded)
                    + ", expected " + Fixtures.show(decoded));
        }
    }
}
