package reveal.eval.cli;

import java.util.ArrayList;
import java.util.List;
import reveal.model.data.ChoiceExample;
import reveal.model.data.Dataset;
import reveal.model.data.EncodedChoices;
import reveal.model.data.EncodedExample;
import reveal.model.data.Example;
import reveal.model.data.PromptEncoder;

/** Task files as token ids for the commands that train or attribute, with errors that name the file and the fix. */
final class TaskEncoding {
    private TaskEncoding() {
    }

    /** The first {@code limit} examples (0: all) of a classification file, each label checked against {@code classes}. */
    static List<EncodedExample> examples(Dataset data, int limit, int classes, PromptEncoder encoder) {
        List<Example> examples = data.examples();
        if (limit > 0 && limit < examples.size()) examples = examples.subList(0, limit);
        if (examples.isEmpty()) throw new IllegalArgumentException(data.source() + ": no examples");
        List<EncodedExample> out = new ArrayList<>(examples.size());
        for (Example e : examples) {
            if (e.label() < 0 || e.label() >= classes) {
                throw new IllegalArgumentException(data.source() + ": example " + e.id() + " has label " + e.label() + " (" + data.labelNames()
                        + "), outside the model's " + classes + " classes (set --labels when fine-tuning)");
            }
            try {
                out.add(encoder.encode(e));
            } catch (IllegalArgumentException tooLong) {
                throw new IllegalArgumentException(data.source() + ": " + tooLong.getMessage() + "; raise --max-len", tooLong);
            }
        }
        return out;
    }

    /** The first {@code limit} questions (0: all) of a multiple-choice file, each with {@code choices} choices. */
    static List<EncodedChoices> choices(Dataset data, int limit, int choices, PromptEncoder encoder) {
        List<ChoiceExample> examples = data.choiceExamples();
        if (limit > 0 && limit < examples.size()) examples = examples.subList(0, limit);
        if (examples.isEmpty()) throw new IllegalArgumentException(data.source() + ": no examples");
        if (data.labelNames().size() != choices) {
            throw new IllegalArgumentException(data.source() + ": " + data.labelNames().size() + " choices per question, expected " + choices);
        }
        return examples.stream().map(e -> new EncodedChoices(encoder.encodeChoices(e), e.answer())).toList();
    }
}
