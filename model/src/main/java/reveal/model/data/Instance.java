package reveal.model.data;

/** One labelled dataset item: a classification {@link Example} or a multiple-choice {@link ChoiceExample}. */
public sealed interface Instance permits Example, ChoiceExample {
    String id();

    /** The gold class id (classification) or the index of the correct choice (multiple choice). */
    int label();
}
