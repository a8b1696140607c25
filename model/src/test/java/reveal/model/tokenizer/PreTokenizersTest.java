package reveal.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;

/** Pre-tokenizers and the Oniguruma-to-Java regex translation. */
class PreTokenizersTest {
    @TempDir
    Path tmp;

    /** Each Split behavior, invert, the Llama-3 and BLOOM regexes, ByteLevel and Metaspace, piece by piece. */
    @Test
    void piecesMatchHuggingFace() throws IOException {
        Map<String, Object> expected = Fixtures.json("pre_tokenizers.json");
        List<Object> texts = Fixtures.list(expected.get("texts"));
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Object c : Fixtures.list(expected.get("cases"))) {
            Object config = Fixtures.map(c).get("pre_tokenizer");
            Path file = tmp.resolve("pre_tokenizer" + checked + ".json");
            Files.writeString(file, Json.write(config));
            PreTokenizers.Step step = PreTokenizers.fromJson(JsonNode.read(file));
            List<Object> pieces = Fixtures.list(Fixtures.map(c).get("pieces"));
            for (int i = 0; i < texts.size(); i++) {
                String text = (String) texts.get(i);
                List<PreTokenizers.Piece> out = new ArrayList<>();
                step.split(new PreTokenizers.Piece(text, true), out);
                List<String> actual = out.stream().map(PreTokenizers.Piece::text).toList();
                if (!actual.equals(pieces.get(i))) {
                    failures.add(Json.write(config) + " on " + Fixtures.show(text) + ": expected " + pieces.get(i)
                            + ", got " + actual);
                }
                checked++;
            }
        }
        assertTrue(checked > 2000, "only " + checked + " cases");
        assertTrue(failures.isEmpty(), failures.size() + " differ, first: " + failures.subList(0, Math.min(5, failures.size())));
    }

    @Test
    void gpt2RegexSplitsLikeOpenAisPythonRegex() {
        // expected pieces from Python's regex module with GPT-2's pattern, as encoder.py runs it
        assertSplit(OnigRegex.GPT2, "I'm  fine\n\n", "I", "'m", " ", " fine", "\n\n");
        assertSplit(OnigRegex.GPT2, "Hello world!!  ", "Hello", " world", "!!", "  ");
        assertSplit(OnigRegex.GPT2, "x\u0085 y", "x", "\u0085", " y");
        assertSplit(OnigRegex.GPT2, "a \ufeffb", "a", " \ufeff", "b");
        assertSplit(OnigRegex.GPT2, "\ud83d\ude00\ud83d\udc4d\ud83c\udffd ok", "\ud83d\ude00\ud83d\udc4d\ud83c\udffd", " ok");
        assertSplit(OnigRegex.GPT2, "na\u00efve 123abc", "na\u00efve", " 123", "abc");
        assertSplit(OnigRegex.GPT2, "\t\t x", "\t\t", " x");
        assertSplit(OnigRegex.GPT2, "abc  \n def", "abc", "  \n", " def");
        assertSplit(OnigRegex.GPT2, "x\u00a0\u00a0y", "x", "\u00a0", "\u00a0", "y");
        assertSplit(OnigRegex.GPT2, "'S'LL", "'", "S", "'", "LL");
    }

    private static void assertSplit(String onig, String text, String... pieces) {
        Matcher m = OnigRegex.compile(onig, "test").matcher(text);
        List<String> actual = new ArrayList<>();
        while (m.find()) actual.add(m.group());
        assertEquals(List.of(pieces), actual, Fixtures.show(text));
    }

    @Test
    void shorthandClassesAreUnicodeAsInOniguruma() {
        assertTrue(matches("\\s", "\u0085"));
        assertTrue(matches("\\s", "\u3000"));
        assertFalse(matches("\\s", "\ufeff"));
        assertFalse(matches("\\s", "\u001c"));
        assertTrue(matches("[^\\S]", "\u2028"));
        assertTrue(matches("\\d", "\u0663"));
        assertTrue(matches("\\w+", "na\u00efve_\u0915\u093f"));
        assertTrue(matches("[\\w-]+", "a-\u00e9"));
        assertFalse(matches("\\W", "\u00e9"));
        assertTrue(matches("\\h+", "09aF"));
        assertFalse(matches("\\v", "\n"));
        assertTrue(matches("\\p{Han}+", "\u4f60\u597d"));
        assertTrue(matches("\\p{^L}", "1"));
        assertTrue(matches("(?i:'s)", "'S"));
        assertTrue(matches("(?m:a.b)", "a\nb"));
        assertFalse(matches("a.b", "a\nb"));
        assertTrue(matches("a$\\n^b", "a\nb"));
        assertTrue(matches("[^(\\s|[.,])]+", "ab"));
        assertFalse(matches("[^(\\s|[.,])]", ","));
        assertTrue(matches("a?+b", "ab"));
        assertTrue(matches("(?>ab)c", "abc"));
    }

    private static boolean matches(String onig, String text) {
        return OnigRegex.compile(onig, "test").matcher(text).matches();
    }

    @Test
    void untranslatableRegexesAreRejectedWithTheirPlace() {
        IllegalArgumentException posix = assertThrows(IllegalArgumentException.class,
                () -> OnigRegex.compile("[[:alpha:]]", "tokenizer.json: $.pre_tokenizer.pattern"));
        assertTrue(posix.getMessage().contains("tokenizer.json: $.pre_tokenizer.pattern"), posix.getMessage());
        assertTrue(posix.getMessage().contains("POSIX"), posix.getMessage());
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> OnigRegex.compile("(ab", "file.json: $.x"));
        assertTrue(broken.getMessage().startsWith("file.json: $.x: regex \"(ab\""), broken.getMessage());
        assertTrue(Pattern.compile(OnigRegex.toJava("[\\w]", "w")).matcher("\u00e9").matches());
    }
}
