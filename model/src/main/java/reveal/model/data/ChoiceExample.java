package reveal.model.data;

import java.util.List;

/**
 * A listwise multiple-choice instance (CSQA): one segment list per choice, each scored as its own sequence, e.g.
 * {@code ["Question : " + q, "/ Choice : " + choice_j, "/ Answer :"]}; {@code answer} is the correct choice's index.
 */
public record ChoiceExample(String id, List<List<String>> choices, int answer) implements Instance {
    public ChoiceExample {
        if (id == null || id.isEmpty()) throw new IllegalArgumentException("choice example id must be non-empty");
        if (choices == null || choices.isEmpty()) throw new IllegalArgumentException("choice example " + id + ": no choices");
        if (answer < 0 || answer >= choices.size())
            throw new IllegalArgumentException("choice example " + id + ": answer " + answer + " outside 0.." + (choices.size() - 1));
        choices = choices.stream().map(List::copyOf).toList();
    }

    @Override
    public int label() {
        return answer;
    }
}
