package reveal.model.data;

/** A multiple-choice instance as token ids: one sequence per choice (see PromptEncoder#encodeChoices) and the answer's index. */
public record EncodedChoices(int[][] choices, int answer) {
    public EncodedChoices {
        if (choices.length == 0) throw new IllegalArgumentException("a multiple-choice example needs at least one choice");
        if (answer < 0 || answer >= choices.length) throw new IllegalArgumentException("answer " + answer + " outside the " + choices.length + " choices");
    }
}
