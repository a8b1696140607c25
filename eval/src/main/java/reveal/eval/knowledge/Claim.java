package reveal.eval.knowledge;

import reveal.model.data.Example;
import reveal.model.data.Templates;

/** One generated claim and the fact it is about; {@code fact} is {@code entity + ":" + relation}. */
record Claim(String id, String text, int label, String entity, String relation, String value) {

    Claim withId(String newId) {
        return new Claim(newId, text, label, entity, relation, value);
    }

    String fact() {
        return entity + ":" + relation;
    }

    /** Closed-book: no evidence segment, the answer must come from what the model learned. */
    Example example() {
        return Templates.claim(id, text, null, label);
    }
}
