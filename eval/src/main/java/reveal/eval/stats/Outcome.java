package reveal.eval.stats;

/**
 * What the data say about a claim. Three values rather than a boolean, because "not shown" (the interval is too wide
 * to decide) and "shown not to hold" (the interval rules out any effect worth reporting) call for different actions:
 * more data in the first case, a corrected claim in the second.
 */
public enum Outcome {
    SUPPORTED("supported"),
    NOT_SUPPORTED("not_supported"),
    INCONCLUSIVE("inconclusive");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The lower-case name written to reports and JSON: "supported", "not_supported", "inconclusive". */
    public String label() {
        return label;
    }
}
