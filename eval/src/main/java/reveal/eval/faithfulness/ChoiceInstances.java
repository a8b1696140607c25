package reveal.eval.faithfulness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import reveal.attribution.bridge.Neuron;
import reveal.engine.nn.Functional;
import reveal.model.Classifiers;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;

/**
 * Listwise multiple-choice test instances for the neuron tests. An instance's "probabilities" are the softmax over
 * its choice scores {@code s_j = w . h_j}, and its prediction is the best-scored choice.
 *
 * <p>Where the edit applies: at the last real token of the <b>predicted</b> choice's sequence only; the other
 * choices' scores stay those of the unedited model. This is exactly the quantity neuron attribution explained
 * ({@code NeuronAttributor.integratedGradientsOfChoice} scales the activations of the predicted choice's sequence and
 * holds the other choices' scores fixed), so suppressing a set tests the very neurons NA credited, on the input it
 * credited them on, and every edit leaves the competitors as a fixed reference. Editing every choice's sequence
 * would test something NA never measured: a neuron that raises every choice's score alike cancels in the softmax,
 * so the test would mix "this neuron supports the prediction" with "this neuron separates the choices". The random
 * controls are edited the same way, so the comparison is like for like. (The paper's code, bug B2, edits every
 * choice with the neurons of test #4.)
 */
public final class ChoiceInstances implements NeuronFaithfulness.Instances {
    private final LanguageModel scorer;
    private final FfnPoint point;
    private final List<int[][]> choices;
    private final int batchSize;
    /**
     * The unedited model's score of every choice, {@code [instance][choice]}, and the predicted choice. The other
     * choices' scores are these; the predicted choice's is recomputed in each call's batches.
     */
    private final double[][] scores;
    private final int[] predicted;

    /**
     * @param scorer    a one-label classifier that scores each choice's sequence
     * @param point     the FFN hook point neuron attribution scored
     * @param choices   each test instance's choices as unpadded token sequences
     * @param batchSize edited sequences per forward pass
     */
    public ChoiceInstances(LanguageModel scorer, FfnPoint point, List<int[][]> choices, int batchSize) {
        if (scorer.config().numLabels() != 1)
            throw new IllegalArgumentException("choice neuron tests: the scorer must have one label, not " + scorer.config().numLabels());
        this.scorer = scorer;
        this.point = point;
        this.choices = List.copyOf(choices);
        this.batchSize = batchSize;
        List<int[]> flat = new ArrayList<>();
        for (int[][] c : this.choices) flat.addAll(List.of(c));
        double[][] s = Classifiers.logits(scorer, flat, FfnHook.NONE);
        this.scores = new double[this.choices.size()][];
        this.predicted = new int[scores.length];
        int row = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = new double[this.choices.get(i).length];
            for (int j = 0; j < scores[i].length; j++) scores[i][j] = s[row++][0];
            predicted[i] = Functional.argmax(scores[i]);
        }
    }

    /** The choice each instance's edits apply to: the unedited model's prediction. */
    public int predicted(int instance) {
        return predicted[instance];
    }

    @Override
    public int size() {
        return choices.size();
    }

    @Override
    public int layers() {
        return scorer.decoder().numLayers();
    }

    @Override
    public int ffnWidth() {
        return scorer.decoder().ffnWidth();
    }

    @Override
    public double[][] probabilities(int[] which, List<? extends Collection<Neuron>> sets, NeuronSetEdit.Mode mode) {
        double[][] out = new double[which.length][];
        for (int from = 0; from < which.length; from += batchSize) {
            int to = Math.min(which.length, from + batchSize);
            List<int[]> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) batch.add(choices.get(which[i])[predicted[which[i]]]);
            // Unedited runs take the same path as edited ones, so an empty set changes nothing, bit for bit.
            double[][] edited = Classifiers.logits(scorer, batch, mode == null ? NeuronSetEdit.unedited(point, batch.size())
                    : new NeuronSetEdit(mode, point, sets.subList(from, to)));
            for (int i = from; i < to; i++) {
                double[] s = scores[which[i]].clone();
                s[predicted[which[i]]] = edited[i - from][0];
                out[i] = Classifiers.softmax(s);
            }
        }
        return out;
    }
}
