package reveal.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the tokenizer files of a model folder, config files, and errors that name the file. */
class TokenizersTest {
    private static final String TINY_VOCAB = "{\"a\": 0, \"b\": 1, \"ab\": 2, \"<s>\": 3, \"</s>\": 4}";

    @TempDir
    Path dir;

    private String tokenizerJson(String model) {
        return "{\"added_tokens\": [], \"normalizer\": null, \"pre_tokenizer\": null, \"decoder\": null, \"model\": "
                + model + "}";
    }

    @Test
    void prefersTokenizerJsonOverVocabAndMerges() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), TINY_VOCAB);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\n");
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(
                "{\"type\": \"BPE\", \"vocab\": " + TINY_VOCAB + ", \"merges\": []}"));
        assertArrayEquals(new int[] {0, 1}, Tokenizers.load(dir).encode("ab")); // tokenizer.json has no merges
        Files.delete(dir.resolve("tokenizer.json"));
        assertArrayEquals(new int[] {2}, Tokenizers.load(dir).encode("ab"));
    }

    @Test
    void specialTokensFromTokenizerConfig() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), TINY_VOCAB);
        Files.writeString(dir.resolve("merges.txt"), "a b\n");
        Tokenizer byName = Tokenizers.load(dir);
        assertEquals(3, byName.bosId());
        assertEquals(4, byName.eosId());
        // OPT declares "</s>" as its BOS, overriding the usual names; special_tokens_map.json loses to the config
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"bos_token\": \"<s>\", \"eos_token\": \"<s>\"}");
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\": {\"content\": \"</s>\", \"lstrip\": false}, \"eos_token\": \"</s>\"}");
        Tokenizer opt = Tokenizers.load(dir);
        assertEquals(4, opt.bosId());
        assertEquals(4, opt.eosId());
        assertArrayEquals(new int[] {2, 4, 1}, opt.encode("ab</s>b"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": null, \"eos_token\": \"</s>\"}");
        assertEquals(-1, Tokenizers.load(dir).bosId());
    }

    @Test
    void missingFilesListWhatWasThere() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("found config.json"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(dir.resolve("nowhere")));
    }

    @Test
    void malformedTokenizerJsonNamesFileAndPlace() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        assertError(file, "{\"model\": ", "not valid JSON");
        assertError(file, tokenizerJson("{\"type\": \"WordPiece\", \"vocab\": {}}"),
                "$.model.type: unsupported model \"WordPiece\"");
        assertError(file, tokenizerJson("{\"type\": \"BPE\", \"vocab\": " + TINY_VOCAB + ", \"merges\": [\"a c\"]}"),
                "merge 0 uses \"c\"");
        assertError(file, tokenizerJson("{\"type\": \"BPE\", \"vocab\": " + TINY_VOCAB + ", \"merges\": [\"a b c\"]}"),
                "$.model.merges[0]: expected \"left right\"");
        assertError(file, tokenizerJson("{\"type\": \"BPE\", \"vocab\": {\"a\": \"x\"}, \"merges\": []}"),
                "$.model.vocab.a: expected a non-negative integer");
        String vocab = "{\"type\": \"BPE\", \"vocab\": " + TINY_VOCAB + ", \"merges\": []}";
        assertError(file, tokenizerJson(vocab).replace("\"normalizer\": null", "\"normalizer\": {\"type\": \"BertNormalizer\"}"),
                "$.normalizer.type: unsupported normalizer \"BertNormalizer\"");
        assertError(file, tokenizerJson(vocab).replace("\"pre_tokenizer\": null",
                "\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"[[:alpha:]]\"}, \"behavior\": \"Isolated\"}"),
                "$.pre_tokenizer.pattern: regex");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<|im_start|>\"}");
        assertError(file, tokenizerJson(vocab), "bos_token \"<|im_start|>\"");
    }

    private void assertError(Path file, String content, String expected) throws IOException {
        Files.writeString(file, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void malformedMergesTxtNamesLine() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), TINY_VOCAB);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\nab\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("merges.txt") + ": line 3"), e.getMessage());
    }
}
