package reveal.attribution.analysis;

/**
 * Token statistics of an instance for the lexical diversity measures. In the paper the vocabulary counts the
 * subword ids of the claim and evidence segments (template words included), and the length is
 * {@code len(claim) + len(evidence) + len(answer)} before truncation, without the BOS token.
 */
public interface SubsetTokens {
    int[] vocabularyTokens(int id);

    int length(int id);
}
