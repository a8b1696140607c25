package reveal.model.tokenizer;

/** Text to token ids and back, exactly as the reference implementation of each format does it. */
public interface Tokenizer {
    /** Encodes text without adding any special token (no BOS), as Hugging Face's {@code add_special_tokens=False}. */
    int[] encode(String text);

    /** Decodes ids to text; special tokens are kept as their text. */
    String decode(int[] ids);

    int vocabSize();

    /** The beginning-of-sequence id, or -1 if the tokenizer has none. */
    int bosId();

    /** The end-of-sequence id, or -1 if the tokenizer has none. */
    int eosId();

    /** The id of a token given by its exact text (e.g. "</s>"), or -1 if not in the vocabulary. */
    int tokenId(String token);

    /**
     * The vocabulary entry of an id as the file spells it (e.g. "Ġthe" for byte-level BPE, "▁the" for
     * SentencePiece, " the" for llama2.c), so {@code tokenId(token(id)) == id}; for display use {@link #decode}.
     */
    String token(int id);
}
