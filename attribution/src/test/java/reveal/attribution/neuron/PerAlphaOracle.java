package reveal.attribution.neuron;

import java.util.ArrayList;
import java.util.List;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;

/**
 * Integrated gradients computed the way the paper's code does it, as a test oracle and a cost baseline: per layer
 * and per path point one whole-sequence forward and backward of the example alone (batch 1), the scaled vector
 * spliced in at the target position by an FFN hook. Written independently of {@link Probe}.
 */
record PerAlphaOracle(int predicted, double probability, double[] baseline, double[][] attributions) {
    static PerAlphaOracle run(LanguageModel model, int[] ids, int position, int target, int steps, Quadrature quadrature, FfnPoint point) {
        int layers = model.decoder().numLayers();
        double[][] activations = new double[layers][];
        Tensor unmodified = logits(model, ids, position, (l, p, value, span) -> {
            if (p == point) activations[l] = value.slice(1, position, position + 1).toDoubleArray();
            return value;
        });
        double[] probabilities = unmodified.softmax(-1).toDoubleArray();
        int predicted = 0;
        for (int c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[predicted]) predicted = c;

        double[] alphas = quadrature.alphas(steps), baseline = new double[layers];
        double[][] attributions = new double[layers][];
        for (int layer = 0; layer < layers; layer++) {
            double[] a = activations[layer], sum = new double[a.length];
            for (double alpha : alphas) {
                double[] scaled = a.clone();
                for (int j = 0; j < scaled.length; j++) scaled[j] *= alpha;
                Tensor x = Tensor.of(model.backend(), scaled, 1, 1, a.length).requireGrad();
                int at = layer;
                Tensor f = logits(model, ids, position, (l, p, value, span) -> l != at || p != point ? value : splice(value, position, x))
                        .softmax(-1).reshape(-1).slice(0, target, target + 1);
                double[] g = Autograd.grad(f.sum(), List.of(x), false)[0].toDoubleArray();
                for (int j = 0; j < g.length; j++) sum[j] += g[j];
            }
            attributions[layer] = new double[a.length];
            for (int j = 0; j < a.length; j++) attributions[layer][j] = a[j] * sum[j] / steps;
            Tensor zero = Tensor.zeros(model.backend(), 1, 1, a.length);
            int at = layer;
            baseline[layer] = logits(model, ids, position, (l, p, value, span) -> l != at || p != point ? value : splice(value, position, zero))
                    .softmax(-1).toDoubleArray()[target];
        }
        return new PerAlphaOracle(predicted, probabilities[target], baseline, attributions);
    }

    /** {@code value [1, T, I]} with its row at {@code position} swapped for {@code row [1, 1, I]}. */
    private static Tensor splice(Tensor value, int position, Tensor row) {
        List<Tensor> parts = new ArrayList<>();
        if (position > 0) parts.add(value.slice(1, 0, position));
        parts.add(row);
        if (position + 1 < value.dim(1)) parts.add(value.slice(1, position + 1, value.dim(1)));
        return Tensor.concat(parts, 1);
    }

    /** LM logits at {@code position}, or a classifier's logits pooled at the last token. */
    private static Tensor logits(LanguageModel model, int[] ids, int position, FfnHook hook) {
        Tensor hidden = model.decoder().forward(new int[][] {ids}, null, hook, null);
        int readAt = model.decoder().hasLmHead() ? position : ids.length - 1;
        Tensor h = hidden.slice(1, readAt, readAt + 1).reshape(1, -1);
        return model.decoder().hasLmHead() ? model.lmHead(h) : model.classHead(h);
    }
}
