package reveal.model.data;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Datasets#read} returns: the instances of one file in file order, the detected format, and the names of
 * the label ids (for multiple choice, the choice letters).
 */
public record Dataset(String format, Path source, List<String> labelNames, List<Instance> instances) {
    public Dataset {
        labelNames = List.copyOf(labelNames);
        instances = List.copyOf(instances);
    }

    public int size() {
        return instances.size();
    }

    /** The instances as classification examples; an error for a multiple-choice dataset. */
    public List<Example> examples() {
        return typed(Example.class);
    }

    /** The instances as multiple-choice examples; an error for a classification dataset. */
    public List<ChoiceExample> choiceExamples() {
        return typed(ChoiceExample.class);
    }

    private <T extends Instance> List<T> typed(Class<T> type) {
        for (Instance i : instances)
            if (!type.isInstance(i))
                throw new IllegalStateException(source + " (" + format + ") holds " + i.getClass().getSimpleName()
                        + " instances, not " + type.getSimpleName());
        return instances.stream().map(type::cast).toList();
    }
}
