package reveal.attribution.neuron;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import reveal.attribution.bridge.NeuronAttribution;
import reveal.attribution.bridge.NeuronScore;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.engine.nn.Functional;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;

/**
 * Neuron attribution: integrated gradients over the FFN neurons of every layer at one token (Dai et al.'s
 * knowledge neurons, as the paper adapts them), with the intended semantics: for layer l only that layer's
 * activation vector at the target position is scaled, every other position and layer runs normally and later
 * layers see the change (not the paper's BLOOM/Pythia bug B1, which overwrites every position).
 *
 * <p>{@code attr[l][j] = a_l[j] * (1/m) * sum_k dF/dx_j(alpha_k a_l)}, F the softmax probability of the target
 * (a class, or the next token), zero baseline. The m path points of a layer (plus the zero baseline, for F(0)) go
 * through the model as one batch; when the target is the token the output is read at (always for an LM, the last
 * token for a classifier) only that token is recomputed, from layer l on, against the keys and values cached by one
 * ordinary forward ({@link LanguageModel#resume}). Otherwise the sequence runs whole for each layer's batch.
 *
 * <p>Everything runs through the model's backend, so a model loaded on OpenCL (the command line's
 * {@code --device opencl}) is attributed on OpenCL; only the per-layer gradient rows come back to the host.
 */
public final class NeuronAttributor {
    private NeuronAttributor() {
    }

    /**
     * The command-line form: {@code [layer][neuron]} attributions at the last real token of {@code ids}.
     *
     * @param target a class or token id, or {@link IgOptions#PREDICTED}
     */
    public static double[][] attributions(LanguageModel model, int[] ids, int target, int steps, Quadrature quadrature, FfnPoint point) {
        return integratedGradients(model, ids, new IgOptions(steps, quadrature, point, target, IgOptions.LAST)).attributions();
    }

    public static NeuronIg integratedGradients(LanguageModel model, int[] ids, IgOptions options) {
        int position = position(model, ids, options.position());
        return integratedGradients(model, ids, options, Probe.outputPosition(model, ids, position) != position);
    }

    /** Attribution with the path chosen: the cached last-token path, or the full sequence per batch. */
    static NeuronIg integratedGradients(LanguageModel model, int[] ids, IgOptions options, boolean fullSequence) {
        int position = position(model, ids, options.position());
        Probe probe = fullSequence ? Probe.fullSequence(model, ids, position, options.point())
                : Probe.cached(model, ids, position, options.point());
        double[] probabilities = probe.logits.softmax(-1).toDoubleArray();
        int predicted = Functional.argmax(probabilities);
        int target = options.target() == IgOptions.PREDICTED ? predicted : options.target();
        if (target >= probabilities.length) {
            throw new IllegalArgumentException("neuron attribution: target " + target + " is outside the " + probabilities.length + " outputs of the model");
        }
        return integrate(model, probe, options, position, predicted, target, logits -> {
            int[] targets = new int[logits.dim(0)];
            Arrays.fill(targets, target);
            return logits.softmax(-1).gatherLast(targets);
        });
    }

    /**
     * Listwise multiple choice (CSQA): a one-label scorer rates each choice's sequence, and integrated gradients run
     * on the target choice's sequence alone (the predicted one unless {@code options} names a choice index), as the
     * paper does. F is that choice's probability under the softmax over all choices, the other choices' scores held
     * fixed (their sequences do not see the edit). The paper's code explains the raw score instead, which is not a
     * probability: attributions on different instances would not be on one scale.
     */
    public static NeuronIg integratedGradientsOfChoice(LanguageModel scorer, int[][] choices, IgOptions options) {
        if (choices.length < 2) throw new IllegalArgumentException("choice attribution: needs at least 2 choices, got " + choices.length);
        if (scorer.config().numLabels() != 1) throw new IllegalArgumentException("choice attribution: the scorer must have one label, not " + scorer.config().numLabels());
        double[] scores = new double[choices.length];
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int j = 0; j < choices.length; j++) scores[j] = scorer.classLogits(new int[][] {choices[j]}, null, null).item();
        }
        int predicted = Functional.argmax(scores);
        int target = options.target() == IgOptions.PREDICTED ? predicted : options.target();
        if (target >= choices.length) throw new IllegalArgumentException("choice attribution: target choice " + target + " of " + choices.length);
        double max = Double.NEGATIVE_INFINITY, others = 0;
        for (int j = 0; j < scores.length; j++) if (j != target) max = Math.max(max, scores[j]);
        for (int j = 0; j < scores.length; j++) if (j != target) others += Math.exp(scores[j] - max);
        double competitors = max + Math.log(others); // log-sum-exp of the other choices' scores
        int[] ids = choices[target];
        int position = position(scorer, ids, options.position());
        Probe probe = Probe.outputPosition(scorer, ids, position) != position ? Probe.fullSequence(scorer, ids, position, options.point())
                : Probe.cached(scorer, ids, position, options.point());
        return integrate(scorer, probe, options, position, predicted, target, logits -> logits.reshape(-1).sub(competitors).sigmoid());
    }

    /**
     * The integration itself: per layer one batch of the path points (plus the zero baseline when the quadrature
     * lacks it, for F(0)), {@code objective} turning the probe's logits {@code [N, C]} into F per row.
     */
    private static NeuronIg integrate(LanguageModel model, Probe probe, IgOptions options, int position, int predicted, int target,
                                      UnaryOperator<Tensor> objective) {
        double[] alphas = options.quadrature().alphas(options.steps());
        int first = alphas[0] == 0.0 ? 0 : 1, rows = alphas.length + first;
        double[] rowAlphas = new double[rows];
        System.arraycopy(alphas, 0, rowAlphas, first, alphas.length);

        int layers = model.decoder().numLayers(), width = model.decoder().ffnWidth();
        double[][] attributions = new double[layers][width];
        double[] baseline = new double[layers];
        for (int l = 0; l < layers; l++) {
            double[] a = probe.activations[l];
            double[] scaled = new double[rows * width];
            for (int r = 0; r < rows; r++) for (int j = 0; j < width; j++) scaled[r * width + j] = rowAlphas[r] * a[j];
            Tensor x = Tensor.of(model.backend(), scaled, rows, width).requireGrad();
            Tensor f = objective.apply(probe.replaced(l, x));
            // Rows are independent, so the gradient of their sum holds each row's own dF/dx.
            double[] grad = Autograd.grad(f.sum(), List.of(x), false)[0].toDoubleArray();
            baseline[l] = f.detach().toDoubleArray()[0];
            for (int j = 0; j < width; j++) {
                double sum = 0;
                for (int r = first; r < rows; r++) sum += grad[r * width + j];
                attributions[l][j] = a[j] * sum / alphas.length;
            }
        }
        double probability;
        try (Autograd.Scope s = Autograd.noGrad()) {
            probability = objective.apply(probe.logits).toDoubleArray()[0];
        }
        return new NeuronIg(target, predicted, position, probability, baseline, probe.activations, attributions);
    }

    /**
     * One instance's neuron record: integrated gradients, then the neurons {@code selection} keeps, by score.
     *
     * @param gold     the gold label, kept for accuracy bookkeeping only (-1 when unknown)
     * @param keepRows whether the record carries the full {@code [layer][neuron]} attributions
     */
    public static InstanceNeurons attribute(LanguageModel model, int instanceId, int[] ids, int gold, IgOptions options,
                                            NeuronSelection selection, boolean keepRows) {
        return record(integratedGradients(model, ids, options), instanceId, gold, selection, keepRows);
    }

    /** As {@link #attribute}, for a multiple-choice instance ({@link #integratedGradientsOfChoice}); labels are choice indices. */
    public static InstanceNeurons attributeChoice(LanguageModel scorer, int instanceId, int[][] choices, int gold, IgOptions options,
                                                  NeuronSelection selection, boolean keepRows) {
        return record(integratedGradientsOfChoice(scorer, choices, options), instanceId, gold, selection, keepRows);
    }

    private static InstanceNeurons record(NeuronIg ig, int instanceId, int gold, NeuronSelection selection, boolean keepRows) {
        NeuronAttribution selected = new NeuronAttribution(instanceId, ig.predicted(), gold, selection.select(ig.attributions()));
        return new InstanceNeurons(selected, ig.target(), ig.probability(), ig.completenessGap(), keepRows ? ig.attributions() : null);
    }

    /**
     * Dai et al.'s refinement: the coarse neurons of each paraphrase of one fact, kept when at least {@code fraction}
     * of the paraphrases share them (see {@link NeuronSelection#refine}). All paraphrases explain the same target:
     * the options' target, or else the first paraphrase's prediction.
     */
    public static List<NeuronScore> refined(LanguageModel model, List<int[]> paraphrases, IgOptions options,
                                            NeuronSelection coarse, double fraction) {
        List<List<NeuronScore>> sets = new ArrayList<>();
        IgOptions shared = options;
        for (int[] ids : paraphrases) {
            NeuronIg ig = integratedGradients(model, ids, shared);
            shared = shared.withTarget(ig.target());
            sets.add(coarse.select(ig.attributions()));
        }
        return NeuronSelection.refine(sets, fraction);
    }

    /** The requested token, or the last real one: an LM's last token, a classifier's pooling token (not a pad, B3). */
    private static int position(LanguageModel model, int[] ids, int requested) {
        if (ids.length == 0) throw new IllegalArgumentException("neuron attribution: the example has no tokens");
        if (requested >= ids.length) {
            throw new IllegalArgumentException("neuron attribution: position " + requested + " is outside the example's " + ids.length + " tokens");
        }
        int last = Probe.outputPosition(model, ids, ids.length - 1);
        if (requested > last) {
            throw new IllegalArgumentException("neuron attribution: position " + requested + " comes after token " + last
                    + ", where the classifier pools, so it cannot affect the output");
        }
        return requested == IgOptions.LAST ? last : requested;
    }

}
