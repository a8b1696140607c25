package reveal.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reveal.engine.io.Json;

/** llama2.c's tok512.bin of stories260K against the reference outputs of run.c (stories260K/README.md). */
class Llama2cTokenizerTest {
    private static final Path TOK512 = Fixtures.path("stories260K/tok512.bin");

    @TempDir
    Path tmp;

    @Test
    void zooPromptEncodesAsRunC() {
        Tokenizer t = Tokenizers.llama2c(TOK512);
        Map<String, Object> zoo = Fixtures.json("stories260K/reference_greedy_prompt_Zoo_60.json");
        int[] withBos = Json.ints(zoo.get("prompt_ids_with_bos"));
        assertEquals(t.bosId(), withBos[0]);
        assertArrayEquals(Arrays.copyOfRange(withBos, 1, withBos.length), t.encode((String) zoo.get("prompt")));
        assertEquals(zoo.get("text"), t.decode(Json.ints(zoo.get("ids_after_bos"))));
    }

    @Test
    void greedyGenerationDecodesToTheDocumentedStory() {
        Tokenizer t = Tokenizers.llama2c(TOK512);
        Map<String, Object> story = Fixtures.json("stories260K/reference_greedy_bos_256.json");
        int[] generated = Json.ints(story.get("generated_ids"));
        String text = (String) story.get("generated_text");
        assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);
        assertEquals(text, t.decode(generated));
        int[] afterBos = new int[generated.length + 1];
        afterBos[0] = t.bosId();
        System.arraycopy(generated, 0, afterBos, 1, generated.length);
        assertEquals(t.token(t.bosId()) + text, t.decode(afterBos));
        assertEquals(text, t.decode(t.encode(text)));
    }

    @Test
    void vocabulary() {
        Tokenizer t = Tokenizers.llama2c(TOK512);
        assertEquals(512, t.vocabSize());
        assertEquals(1, t.bosId());
        assertEquals(2, t.eosId());
        assertEquals("\n<s>\n", t.token(1));
        assertEquals("<0x41>", t.token(3 + 0x41));
        assertEquals(" t", t.token(259));
        assertEquals(259, t.tokenId(" t"));
        assertEquals(-1, t.tokenId("no such piece"));
        // code points missing from the vocabulary fall back to their UTF-8 bytes, id = byte + 3
        assertArrayEquals(new int[] {410, 3 + 0xE4, 3 + 0xBD, 3 + 0xA0}, t.encode("\u4f60"));
        assertEquals("\u4f60", t.decode(t.encode("\u4f60")));
        assertArrayEquals(new int[0], t.encode(""));
    }

    /**
     * llama2.c's greedy score merging and Hugging Face's rank merging of the converted vocabulary agree, except on
     * text with a literal "▁", which is the space piece only in the converted vocabulary.
     */
    @Test
    void sameIdsAsTheHuggingFaceConversion() {
        Tokenizer llama2c = Tokenizers.llama2c(TOK512);
        Map<String, Object> expected = Fixtures.json("llama2-style/hf_expected.json");
        List<String> corpus = Fixtures.corpus();
        List<Object> ids = Fixtures.list(expected.get("corpus_ids"));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            String text = corpus.get(i);
            if (text.contains("\u2581")) continue;
            if (!Arrays.equals(Json.ints(ids.get(i)), llama2c.encode(text))) failures.add("#" + i + " " + Fixtures.show(text));
            else if (!llama2c.decode(llama2c.encode(text)).equals(text)) failures.add("decode #" + i + " " + Fixtures.show(text));
        }
        assertTrue(failures.isEmpty(), failures.size() + " differ: " + failures.subList(0, Math.min(5, failures.size())));
    }

    @Test
    void malformedFilesAreNamed() throws IOException {
        byte[] good = Files.readAllBytes(TOK512);
        Path truncated = tmp.resolve("truncated.bin");
        Files.write(truncated, Arrays.copyOf(good, good.length - 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.llama2c(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("token 511"), e.getMessage());

        Path noBytes = tmp.resolve("no-bytes.bin");
        Files.write(noBytes, Arrays.copyOf(good, 4 + 3 * (8 + 5) + 20)); // cut inside the byte tokens
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Tokenizers.llama2c(noBytes));
        assertTrue(e2.getMessage().startsWith(noBytes.toString()), e2.getMessage());
    }
}
