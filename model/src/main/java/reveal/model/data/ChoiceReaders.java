package reveal.model.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reader of CommonsenseQA in the Hugging Face schema. */
final class ChoiceReaders {
    private ChoiceReaders() {
    }

    /**
     * {@code {id, question, choices: {label: [A..E], text: [...]}, answerKey}}; the answer is the index of
     * answerKey among the choice letters. Every record must have the first record's letters, so the label names
     * are those letters.
     */
    static Dataset csqaJsonl(Path file) {
        List<Instance> out = new ArrayList<>();
        List<String> letters = null;
        for (Row r : Sources.jsonLines(file)) {
            Row choices = r.object("choices");
            List<String> labels = strings(choices, "label"), texts = strings(choices, "text");
            if (labels.size() != texts.size())
                throw r.error(labels.size() + " choice labels but " + texts.size() + " choice texts");
            if (letters == null) letters = labels;
            else if (!letters.equals(labels))
                throw r.error("choice labels " + labels + " differ from the first record's " + letters);
            String key = r.string("answerKey");
            int answer = labels.indexOf(key);
            if (answer < 0) throw r.error("answerKey '" + key + "' is not one of " + labels);
            out.add(Templates.choice(r.id("id"), NliReaders.nonEmpty(r, "question"), texts, answer));
        }
        return new Dataset(Datasets.Format.CSQA_JSONL.id(), file, letters, out);
    }

    private static List<String> strings(Row r, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : r.list(key)) {
            if (!(o instanceof String)) throw r.error("field '" + key + "' should hold strings, got " + o);
            out.add((String) o);
        }
        return out;
    }
}
