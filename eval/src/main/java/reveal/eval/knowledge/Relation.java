package reveal.eval.knowledge;

import java.util.List;

/**
 * One kind of fact about a person: its possible values and two disjoint sets of phrasings ({@code {e}} = the
 * person, {@code {v}} = the value), one used only for training claims, one only for dev and test claims. The
 * held-out phrasings report a training-style statement ("Mom said ...", "Yes, ...", "Look, ..."): stories260K
 * (260K parameters, TinyStories) memorises the facts from the training claims but does not transfer them to
 * phrasings with other verbs (test accuracy stayed near chance with such templates), and the known-answer check
 * needs a model that answers the test claims from what it learned.
 */
record Relation(String name, List<String> values, List<String> trainTemplates, List<String> heldOutTemplates) {

    /**
     * Four relations with 6-8 values each. Every value word belongs to one relation only, so a claim's (person,
     * value) pair names its fact whatever the phrasing: a test claim is answerable from exactly the training claims
     * of its fact. Words and names are the simple ones stories260K's 512-piece vocabulary encodes compactly (claims
     * are 8-23 tokens there, 16 on average); no value starts with a vowel, so "a {v}" always reads right.
     */
    static final List<Relation> ALL = List.of(
            new Relation("pet", List.of("cat", "dog", "fish", "bird", "frog", "duck", "pony", "bunny"),
                    List.of("{e} has a pet {v}.", "{e}'s pet is a {v}.", "The pet of {e} is a {v}."),
                    List.of("Mom said {e} has a pet {v}.", "Yes, {e}'s pet is a {v}.", "Look, the pet of {e} is a {v}.")),
            new Relation("color", List.of("red", "blue", "green", "pink", "gold", "gray"),
                    List.of("{e} likes the color {v}.", "{e}'s best color is {v}.", "{e} likes {v} best."),
                    List.of("Mom said {e} likes the color {v}.", "Yes, {e}'s best color is {v}.", "Look, {e} likes {v} best.")),
            new Relation("job", List.of("baker", "farmer", "doctor", "cook", "pilot", "nurse", "singer", "sailor"),
                    List.of("{e} is a {v}.", "{e} works as a {v}.", "The job of {e} is to be a {v}."),
                    List.of("Mom said {e} is a {v}.", "Yes, {e} works as a {v}.", "Look, the job of {e} is to be a {v}.")),
            new Relation("town", List.of("Sunny Hill", "Big Lake", "Sand Bay", "Tall Tree", "Moon Park", "Snow Rock"),
                    List.of("{e} lives in {v}.", "The home of {e} is in {v}.", "{e}'s house is in {v}."),
                    List.of("Mom said {e} lives in {v}.", "Yes, the home of {e} is in {v}.", "Look, {e}'s house is in {v}.")));

    String phrase(String template, String entity, String value) {
        return template.replace("{e}", entity).replace("{v}", value);
    }
}
