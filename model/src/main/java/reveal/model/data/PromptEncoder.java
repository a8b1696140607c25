package reveal.model.data;

import java.util.Arrays;
import java.util.List;
import reveal.model.tokenizer.Tokenizer;

/**
 * Turns template segments into token ids as the paper does (paper-method.md §3.2): each segment is encoded on its
 * own without special tokens, the pieces are concatenated after one prefix token, and while the segments hold more
 * than {@code maxLen - 1} tokens the last token of the truncatable segment is dropped. The truncatable segment is
 * the one before the answer cue: the evidence, the hypothesis or the choice in the three-segment templates, the
 * claim in the closed-book two-segment template.
 */
public final class PromptEncoder {
    private final Tokenizer tokenizer;
    private final int prefixId;
    private final int maxLen;

    public PromptEncoder(Tokenizer tokenizer, int prefixId, int maxLen) {
        if (maxLen < 2) throw new IllegalArgumentException("maxLen " + maxLen + " leaves no room after the prefix token");
        if (prefixId < 0) throw new IllegalArgumentException("prefix token id " + prefixId + " is negative");
        this.tokenizer = tokenizer;
        this.prefixId = prefixId;
        this.maxLen = maxLen;
    }

    /** The paper's prefix: the token {@code "</s>"} when the vocabulary has it, else the tokenizer's BOS. */
    public static PromptEncoder withPaperPrefix(Tokenizer tokenizer, int maxLen) {
        int id = tokenizer.tokenId("</s>");
        if (id < 0) id = tokenizer.bosId();
        if (id < 0) throw new IllegalArgumentException("tokenizer has neither a \"</s>\" token nor a BOS id");
        return new PromptEncoder(tokenizer, id, maxLen);
    }

    public int maxLen() {
        return maxLen;
    }

    public EncodedExample encode(Example example) {
        return new EncodedExample(encode(example.id(), example.segments()), example.label());
    }

    /** One id sequence per choice, in choice order. */
    public int[][] encodeChoices(ChoiceExample example) {
        int[][] out = new int[example.choices().size()][];
        for (int j = 0; j < out.length; j++) out[j] = encode(example.id() + " choice " + j, example.choices().get(j));
        return out;
    }

    private int[] encode(String id, List<String> segments) {
        int[][] pieces = new int[segments.size()][];
        int total = 0;
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = tokenizer.encode(segments.get(i));
            total += pieces[i].length;
        }
        int excess = total - (maxLen - 1);
        if (excess > 0) {
            int cut = Math.max(0, pieces.length - 2);
            if (pieces[cut].length < excess)
                throw new IllegalArgumentException("example " + id + ": " + total + " segment tokens do not fit maxLen "
                        + maxLen + " even with segment " + cut + " (" + pieces[cut].length + " tokens) removed");
            pieces[cut] = Arrays.copyOf(pieces[cut], pieces[cut].length - excess);
            total -= excess;
        }
        int[] ids = new int[total + 1];
        ids[0] = prefixId;
        int at = 1;
        for (int[] p : pieces) {
            System.arraycopy(p, 0, ids, at, p.length);
            at += p.length;
        }
        return ids;
    }

    /**
     * Right-pads sequences with {@code padId} to {@code length}, or to the longest sequence when {@code length} is 0
     * (the paper pads to exactly maxLen for fine-tuning and IA).
     */
    public static Batch batch(List<int[]> sequences, int padId, int length) {
        int longest = 0;
        for (int r = 0; r < sequences.size(); r++) {
            if (sequences.get(r).length == 0) throw new IllegalArgumentException("batch: sequence " + r + " is empty");
            longest = Math.max(longest, sequences.get(r).length);
        }
        if (length == 0) length = longest;
        if (length < longest)
            throw new IllegalArgumentException("batch: pad length " + length + " is shorter than the longest sequence ("
                    + longest + " tokens)");
        int n = sequences.size();
        int[][] ids = new int[n][length], mask = new int[n][length];
        int[] last = new int[n];
        for (int r = 0; r < n; r++) {
            int[] s = sequences.get(r);
            Arrays.fill(ids[r], padId);
            System.arraycopy(s, 0, ids[r], 0, s.length);
            Arrays.fill(mask[r], 0, s.length, 1);
            last[r] = s.length - 1;
        }
        return new Batch(ids, mask, last);
    }
}
