package reveal.model.data;

import java.util.ArrayList;
import java.util.List;

/** The paper's text templates (paper-method.md §3.2), as segment lists; each segment is tokenized separately. */
public final class Templates {
    static final String ANSWER_CUE = "/ Answer :";

    private Templates() {
    }

    /** MNLI / SNLI / HANS: {@code ["Premise : " + premise, "/ Hypothesis : " + hypothesis, "/ Answer :"]}. */
    public static Example nli(String id, String premise, String hypothesis, int label) {
        return new Example(id, List.of("Premise : " + premise, "/ Hypothesis : " + hypothesis, ANSWER_CUE), label);
    }

    /**
     * AVeriTeC / FEVER: {@code ["Claim : " + claim, "/ Evidence : " + evidence, "/ Answer :"]}. A {@code null}
     * evidence means a closed-book claim (the known-answer task), which drops the evidence segment:
     * {@code ["Claim : " + claim, "/ Answer :"]}. An empty (non-null) evidence keeps the paper's segment.
     */
    public static Example claim(String id, String claim, String evidence, int label) {
        List<String> segments = evidence == null
                ? List.of("Claim : " + claim, ANSWER_CUE)
                : List.of("Claim : " + claim, "/ Evidence : " + evidence, ANSWER_CUE);
        return new Example(id, segments, label);
    }

    /** CSQA, listwise: one {@code ["Question : " + q, "/ Choice : " + choice, "/ Answer :"]} per choice. */
    public static ChoiceExample choice(String id, String question, List<String> choiceTexts, int answer) {
        List<List<String>> choices = new ArrayList<>(choiceTexts.size());
        for (String c : choiceTexts) choices.add(List.of("Question : " + question, "/ Choice : " + c, ANSWER_CUE));
        return new ChoiceExample(id, choices, answer);
    }
}
