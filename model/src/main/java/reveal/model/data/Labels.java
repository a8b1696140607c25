package reveal.model.data;

import java.util.List;
import java.util.Locale;

/**
 * The label ids every reader of a task kind uses, so that models trained on one dataset can be evaluated on another
 * (MNLI models on HANS). Why these orders is explained in the package documentation.
 */
public final class Labels {
    /** NLI ids, Hugging Face GLUE/SNLI order. */
    public static final List<String> NLI = List.of("entailment", "neutral", "contradiction");
    public static final int ENTAILMENT = 0, NEUTRAL = 1, CONTRADICTION = 2;

    /** Claim-verification ids; FEVER uses the first three, AVeriTeC all four, the known-answer task the first two. */
    public static final List<String> CLAIM =
            List.of("supported", "refuted", "not enough evidence", "conflicting evidence/cherrypicking");
    public static final int SUPPORTED = 0, REFUTED = 1, NOT_ENOUGH_EVIDENCE = 2, CONFLICTING = 3;

    private Labels() {
    }

    /** A 3-class NLI prediction as a HANS verdict: neutral also counts as non-entailment (the paper's remap). */
    public static int hansVerdict(int nliPrediction) {
        return nliPrediction == ENTAILMENT ? ENTAILMENT : CONTRADICTION;
    }

    /**
     * The accuracy on {@code labels} of always answering the most frequent of {@code trainLabels} (the lowest id on a
     * tie), the baseline a classifier must beat; NaN for no labels.
     */
    public static double majorityAccuracy(int[] trainLabels, int[] labels, int classes) {
        int top = majorityClass(trainLabels, classes);
        int hits = 0;
        for (int label : labels) if (label == top) hits++;
        return labels.length == 0 ? Double.NaN : (double) hits / labels.length;
    }

    /** The most frequent of {@code trainLabels} (the lowest on a tie). */
    public static int majorityClass(int[] trainLabels, int classes) {
        int[] counts = new int[classes];
        for (int label : trainLabels) counts[label]++;
        int top = 0;
        for (int c = 1; c < classes; c++) if (counts[c] > counts[top]) top = c;
        return top;
    }

    /** NLI label text to id; HANS's "non-entailment" maps to contradiction. */
    static int nli(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("non-entailment")) return CONTRADICTION;
        int id = NLI.indexOf(n);
        if (id < 0) throw new IllegalArgumentException("unknown NLI label '" + name + "' (expected one of " + NLI + ")");
        return id;
    }

    /** Claim label text to id: AVeriTeC names, FEVER names (SUPPORTS, REFUTES, NOT ENOUGH INFO) or our own. */
    static int claim(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "supported": case "supports": return SUPPORTED;
            case "refuted": case "refutes": return REFUTED;
            case "not enough evidence": case "not enough info": return NOT_ENOUGH_EVIDENCE;
            case "conflicting evidence/cherrypicking": return CONFLICTING;
            default: throw new IllegalArgumentException("unknown claim label '" + name + "' (expected one of " + CLAIM
                    + ", or FEVER's SUPPORTS, REFUTES, NOT ENOUGH INFO)");
        }
    }
}
