package reveal.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import reveal.model.tokenizer.Tokenizer;

class PromptEncoderTest {
    static final int MARK = 7, BOS = 1, EOS_PIECE = 2;

    /**
     * One token per character (its code point), after a start marker on every call, like SentencePiece's dummy
     * prefix: the marker shows where each separately encoded segment begins.
     */
    static final class CharTokenizer implements Tokenizer {
        final boolean hasEosPiece;
        final int bos;

        CharTokenizer(boolean hasEosPiece, int bos) {
            this.hasEosPiece = hasEosPiece;
            this.bos = bos;
        }

        @Override
        public int[] encode(String text) {
            int[] ids = new int[text.length() + 1];
            ids[0] = MARK;
            for (int i = 0; i < text.length(); i++) ids[i + 1] = text.charAt(i);
            return ids;
        }

        @Override
        public String decode(int[] ids) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) sb.append(id == MARK ? "|" : id < 32 ? "<" + id + ">" : String.valueOf((char) id));
            return sb.toString();
        }

        @Override
        public int vocabSize() {
            return 128;
        }

        @Override
        public int bosId() {
            return bos;
        }

        @Override
        public int eosId() {
            return EOS_PIECE;
        }

        @Override
        public int tokenId(String token) {
            return hasEosPiece && token.equals("</s>") ? EOS_PIECE : -1;
        }

        @Override
        public String token(int id) {
            return hasEosPiece && id == EOS_PIECE ? "</s>" : decode(new int[] {id});
        }
    }

    static final Tokenizer TOK = new CharTokenizer(true, BOS);

    static String decode(int[] ids) {
        return TOK.decode(ids);
    }

    @Test
    void concatenatesSeparatelyEncodedSegmentsAfterThePrefix() {
        PromptEncoder enc = PromptEncoder.withPaperPrefix(TOK, 64);
        EncodedExample e = enc.encode(Templates.nli("x", "ab", "cd", Labels.NEUTRAL));
        assertEquals("<2>|Premise : ab|/ Hypothesis : cd|/ Answer :", decode(e.ids()));
        assertEquals(Labels.NEUTRAL, e.label());
        assertEquals(1 + 13 + 18 + 11, e.ids().length);
    }

    @Test
    void truncatesTheEvidenceFromTheEndUntilTheWholeFitsMaxLen() {
        Example ex = new Example("t", List.of("AB", "CDEFG", "HI"), 0); // segment tokens: 3 + 6 + 3 = 12
        assertEquals("<2>|AB|CDEFG|HI", decode(PromptEncoder.withPaperPrefix(TOK, 13).encode(ex).ids()));
        int[] cut = PromptEncoder.withPaperPrefix(TOK, 12).encode(ex).ids();
        assertEquals("<2>|AB|CDEF|HI", decode(cut));
        assertEquals(12, cut.length);
        assertEquals("<2>|AB|C|HI", decode(PromptEncoder.withPaperPrefix(TOK, 9).encode(ex).ids()));
        // Emptied evidence (its start marker too) is the limit.
        assertEquals("<2>|AB|HI", decode(PromptEncoder.withPaperPrefix(TOK, 7).encode(ex).ids()));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> PromptEncoder.withPaperPrefix(TOK, 6).encode(ex));
        assertTrue(tooLong.getMessage().contains("example t"), tooLong.getMessage());
    }

    @Test
    void closedBookClaimTruncatesTheClaimNotTheAnswerCue() {
        Example ex = Templates.claim("k", "Lily has a cat.", null, Labels.SUPPORTED);
        assertEquals(List.of("Claim : Lily has a cat.", "/ Answer :"), ex.segments());
        // 24 + 11 segment tokens; maxLen 22 leaves the claim 10 (its marker and "Claim : L").
        int[] ids = PromptEncoder.withPaperPrefix(TOK, 22).encode(ex).ids();
        assertEquals("<2>|Claim : L|/ Answer :", decode(ids));
        assertEquals(22, ids.length);
    }

    @Test
    void prefixFallsBackToBosWhenTheVocabularyLacksTheEosPiece() {
        Example ex = new Example("p", List.of("a", "b"), 0);
        assertArrayEquals(new int[] {BOS, MARK, 'a', MARK, 'b'},
                PromptEncoder.withPaperPrefix(new CharTokenizer(false, BOS), 10).encode(ex).ids());
        assertArrayEquals(new int[] {5, MARK, 'a', MARK, 'b'}, new PromptEncoder(TOK, 5, 10).encode(ex).ids());
        assertThrows(IllegalArgumentException.class, () -> PromptEncoder.withPaperPrefix(new CharTokenizer(false, -1), 10));
    }

    @Test
    void encodesEachChoiceAsItsOwnSequence() {
        ChoiceExample c = Templates.choice("q", "Why?", List.of("sun", "moonlight"), 1);
        // Choice 0 has 16 + 15 + 11 = 42 segment tokens, exactly maxLen - 1.
        int[][] ids = PromptEncoder.withPaperPrefix(TOK, 43).encodeChoices(c);
        assertEquals(2, ids.length);
        assertEquals("<2>|Question : Why?|/ Choice : sun|/ Answer :", decode(ids[0]));
        // Choice 1 has 16 + 21 + 11 = 48: its choice segment loses its last 6 tokens.
        assertEquals("<2>|Question : Why?|/ Choice : moo|/ Answer :", decode(ids[1]));
    }

    @Test
    void batchesWithRightPaddingMasksAndLastTokenIndices() {
        List<int[]> seqs = List.of(new int[] {2, 10, 11}, new int[] {2, 12}, new int[] {2, 13, 14, 15});
        Batch b = PromptEncoder.batch(seqs, 0, 0);
        assertArrayEquals(new int[][] {{2, 10, 11, 0}, {2, 12, 0, 0}, {2, 13, 14, 15}}, b.ids());
        assertArrayEquals(new int[][] {{1, 1, 1, 0}, {1, 1, 0, 0}, {1, 1, 1, 1}}, b.attentionMask());
        assertArrayEquals(new int[] {2, 1, 3}, b.lastTokenIndex());
        Batch fixed = PromptEncoder.batch(seqs.subList(0, 2), 9, 5);
        assertArrayEquals(new int[][] {{2, 10, 11, 9, 9}, {2, 12, 9, 9, 9}}, fixed.ids());
        assertArrayEquals(new int[][] {{1, 1, 1, 0, 0}, {1, 1, 0, 0, 0}}, fixed.attentionMask());
        assertArrayEquals(new int[] {2, 1}, fixed.lastTokenIndex());
        assertThrows(IllegalArgumentException.class, () -> PromptEncoder.batch(seqs, 0, 3));
    }
}
