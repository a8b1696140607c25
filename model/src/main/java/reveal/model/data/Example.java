package reveal.model.data;

import java.util.List;

/**
 * A classification instance as the paper's template pieces: each segment is tokenized on its own and the pieces are
 * concatenated (see {@link PromptEncoder}), e.g. {@code ["Premise : " + p, "/ Hypothesis : " + h, "/ Answer :"]}.
 */
public record Example(String id, List<String> segments, int label) implements Instance {
    public Example {
        if (id == null || id.isEmpty()) throw new IllegalArgumentException("example id must be non-empty");
        if (segments == null || segments.isEmpty()) throw new IllegalArgumentException("example " + id + ": no segments");
        segments = List.copyOf(segments);
    }
}
