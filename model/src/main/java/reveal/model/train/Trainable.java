package reveal.model.train;

import java.nio.file.Path;
import java.util.Map;
import reveal.engine.Tensor;
import reveal.model.data.Batch;

/** What the {@link Trainer} needs of a model: named trainable leaves, a loss, predictions and saving. */
public interface Trainable {
    /** Trainable parameters by name (leaves that require a gradient), in a stable order. */
    Map<String, Tensor> parameters();

    /** Mean loss over the batch (graph attached). */
    Tensor loss(Batch batch, int[] labels);

    /** Predicted label per row, without recording a graph. */
    int[] predict(Batch batch);

    /** Writes a loadable model folder (weights, config, tokenizer files) to {@code dir}. */
    void save(Path dir);
}
