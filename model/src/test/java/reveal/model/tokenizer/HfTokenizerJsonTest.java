package reveal.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tokenizer.json files in the layouts of Llama-3, BLOOM, GPT-NeoX and Llama-2 (old and new), against Hugging Face
 * tokenizers on the GPT-2 corpus and per-fixture extra strings (see make_hf_fixtures.py).
 */
class HfTokenizerJsonTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama3-style", "bloom-style", "neox-style", "llama2-style", "llama2-metaspace",
            "metaspace-split"})
    void matchesHuggingFaceTokenizers(String fixture) {
        HfExpectations.assertMatches(fixture, Tokenizers.load(Fixtures.path(fixture)));
    }

    @Test
    void llama3AddedTokensLiePastTheModelVocabulary() {
        Tokenizer t = Tokenizers.load(Fixtures.path("llama3-style/tokenizer.json"));
        assertEquals(900, t.tokenId("<|begin_of_text|>"));
        assertEquals(902, t.tokenId("<|eot_id|>"));
        assertEquals(903, t.vocabSize());
        assertEquals(900, t.bosId());
        assertEquals(901, t.eosId());
        assertEquals("<|end_of_text|>", t.token(901));
    }

    @Test
    void specialTokensByTheirUsualNames() {
        Tokenizer bloom = Tokenizers.load(Fixtures.path("bloom-style"));
        assertEquals(1, bloom.bosId());
        assertEquals(2, bloom.eosId());
        Tokenizer llama2 = Tokenizers.load(Fixtures.path("llama2-style"));
        assertEquals(1, llama2.bosId());
        assertEquals(2, llama2.eosId());
        assertEquals(512, llama2.vocabSize());
        assertEquals("\u2581t", llama2.token(259));
        assertArrayEquals(new int[] {1, 410, 469, 347}, prependBos(llama2, "Zoo"));
    }

    private static int[] prependBos(Tokenizer t, String text) {
        int[] ids = t.encode(text);
        int[] withBos = new int[ids.length + 1];
        withBos[0] = t.bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }
}
