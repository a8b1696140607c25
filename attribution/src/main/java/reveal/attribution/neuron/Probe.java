package reveal.attribution.neuron;

import java.util.Arrays;
import reveal.engine.Autograd;
import reveal.engine.Tensor;
import reveal.model.Interventions;
import reveal.model.LanguageModel;
import reveal.model.arch.FfnPoint;
import reveal.model.arch.KvCache;

/**
 * One ordinary forward of an unpadded example, remembering every layer's FFN activation at the target position,
 * and re-runs of it in which one layer's activation vector at that position is replaced by each row of a batch.
 * The output is the LM's next-token logits at the target position, or a classifier's class logits at its pooling
 * token. Tokens after the output token cannot affect it (causal attention), so they are dropped.
 */
abstract class Probe {
    /** {@code [layer][neuron]} activations at the target position. */
    final double[][] activations;
    /** Logits {@code [1, C]} of the unmodified example. */
    final Tensor logits;

    private Probe(double[][] activations, Tensor logits) {
        this.activations = activations;
        this.logits = logits;
    }

    /** Logits {@code [N, C]} with layer {@code layer}'s activation at the target position replaced by the rows of {@code rows [N, I]}. */
    abstract Tensor replaced(int layer, Tensor rows);

    /** The token the output is read at: the target itself for an LM, the pooling token for a classifier. */
    static int outputPosition(LanguageModel model, int[] ids, int position) {
        return model.decoder().hasLmHead() ? position : model.poolingIndex(new int[][] {ids}, null)[0];
    }

    /**
     * The fast path, for a target at the output token. Under causal attention an edit at the last position changes
     * nothing before it, so after one ordinary forward that caches every layer's keys and values, each re-run is
     * that one position alone through layers l..L-1, attending to the cache.
     */
    static Probe cached(LanguageModel model, int[] ids, int position, FfnPoint point) {
        if (outputPosition(model, ids, position) != position) {
            throw new IllegalArgumentException("cached probe: the classifier reads its output at token "
                    + outputPosition(model, ids, position) + ", not at the target token " + position);
        }
        KvCache cache = model.newCache();
        Interventions capture = new Interventions().capture(point);
        Tensor hidden;
        try (Autograd.Scope s = Autograd.noGrad()) {
            hidden = model.forward(new int[][] {Arrays.copyOf(ids, position + 1)}, null, capture, cache);
        }
        return new Probe(activations(model, capture, point, position), head(model, hidden.slice(1, position, position + 1).reshape(1, -1))) {
            @Override
            Tensor replaced(int layer, Tensor rows) {
                return head(model, model.resume(cache, layer, point, rows));
            }
        };
    }

    /**
     * The fallback for a target before the output token (a classifier's earlier token): the sequence up to the
     * output token runs whole for each batch of N replacements.
     */
    static Probe fullSequence(LanguageModel model, int[] ids, int position, FfnPoint point) {
        int readAt = outputPosition(model, ids, position);
        int[] kept = Arrays.copyOf(ids, readAt + 1);
        Interventions capture = new Interventions().capture(point);
        Tensor hidden;
        try (Autograd.Scope s = Autograd.noGrad()) {
            hidden = model.forward(new int[][] {kept}, null, capture);
        }
        return new Probe(activations(model, capture, point, position), head(model, hidden.slice(1, readAt, readAt + 1).reshape(1, -1))) {
            @Override
            Tensor replaced(int layer, Tensor rows) {
                int n = rows.dim(0);
                int[][] batch = new int[n][];
                Arrays.fill(batch, kept);
                Tensor out = model.forward(batch, null, new Interventions().replaceAt(layer, point, position, rows));
                return head(model, out.slice(1, readAt, readAt + 1).reshape(n, -1));
            }
        };
    }

    private static double[][] activations(LanguageModel model, Interventions captured, FfnPoint point, int position) {
        double[][] out = new double[model.decoder().numLayers()][];
        for (int l = 0; l < out.length; l++) out[l] = captured.captured(l, point).slice(1, position, position + 1).toDoubleArray();
        return out;
    }

    private static Tensor head(LanguageModel model, Tensor hidden) {
        return model.decoder().hasLmHead() ? model.lmHead(hidden) : model.classHead(hidden);
    }
}
