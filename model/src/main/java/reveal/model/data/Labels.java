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
