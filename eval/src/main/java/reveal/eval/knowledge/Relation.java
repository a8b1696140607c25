package reveal.eval.knowledge;

import java.util.List;

/**
 * One kind of fact about a person: its possible values and two disjoint sets of phrasings ({@code {e}} = the
 * person, {@code {v}} = the value), one used only for training claims, one only for dev and test claims.
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
                    List.of("{e} plays with a little {v}.", "{e} takes care of a {v}.", "{e} feeds a {v} every day.")),
            new Relation("color", List.of("red", "blue", "green", "pink", "gold", "gray"),
                    List.of("{e} likes the color {v}.", "{e}'s best color is {v}.", "{e} likes {v} best."),
                    List.of("{e} loves {v} things.", "{e} wants all toys to be {v}.", "{e} picks {v} first.")),
            new Relation("job", List.of("baker", "farmer", "doctor", "cook", "pilot", "nurse", "singer", "sailor"),
                    List.of("{e} is a {v}.", "{e} works as a {v}.", "The job of {e} is to be a {v}."),
                    List.of("{e} goes to work as a {v}.", "{e} got a job as a {v}.", "{e} is known as a {v}.")),
            new Relation("town", List.of("Sunny Hill", "Big Lake", "Sand Bay", "Tall Tree", "Moon Park", "Snow Rock"),
                    List.of("{e} lives in {v}.", "The home of {e} is in {v}.", "{e}'s house is in {v}."),
                    List.of("{e} grew up in {v}.", "You can find {e} in {v}.", "{e} walks home to {v}.")));

    String phrase(String template, String entity, String value) {
        return template.replace("{e}", entity).replace("{v}", value);
    }
}
