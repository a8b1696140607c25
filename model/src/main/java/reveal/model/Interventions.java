package reveal.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import reveal.engine.Tensor;
import reveal.model.arch.FfnHook;
import reveal.model.arch.FfnPoint;

/**
 * What to do at the FFN hook points of a forward pass: read activations (capture), swap them (replace), and edit
 * single neurons. At each (layer, point) the order is: replacement function, then edits in the order added, then
 * capture, so a captured tensor is exactly what flows on; it is part of the graph, so
 * {@code Autograd.grad(output, List.of(captured), ...)} gives gradients with respect to it. Captures are
 * overwritten by each forward call (with a KV cache: they hold the tokens of the latest call).
 */
public final class Interventions implements FfnHook {
    private record Site(int layer, FfnPoint point) {
    }

    private final Set<FfnPoint> captureEveryLayer = EnumSet.noneOf(FfnPoint.class);
    private final Set<Site> captureSites = new HashSet<>();
    private final Map<Site, UnaryOperator<Tensor>> replacements = new HashMap<>();
    private final Map<Site, List<NeuronEdit>> edits = new HashMap<>();
    private final Map<Site, Tensor> captured = new HashMap<>();

    /** Captures {@code point} of every layer. */
    public Interventions capture(FfnPoint point) {
        captureEveryLayer.add(point);
        return this;
    }

    public Interventions capture(int layer, FfnPoint point) {
        captureSites.add(new Site(layer, point));
        return this;
    }

    /** Replaces the activations {@code [B, T, I]} of (layer, point) by {@code fn} of them; a later call wins. */
    public Interventions replace(int layer, FfnPoint point, UnaryOperator<Tensor> fn) {
        replacements.put(new Site(layer, point), fn);
        return this;
    }

    /**
     * Replaces the activation vector at token {@code position} of the forward call (with a KV cache, counted from
     * the call's first token) in every row by the rows of
     * {@code vectors [B, I]} (e.g. alpha_k * a for a batch of alphas over B copies of one input); gradients flow to
     * {@code vectors}. Other positions keep their values.
     */
    public Interventions replaceAt(int layer, FfnPoint point, int position, Tensor vectors) {
        return replace(layer, point, value -> {
            int t = value.dim(1), width = value.dim(2);
            if (position < 0 || position >= t) {
                throw new IllegalArgumentException("replaceAt: position " + position + " outside the " + t + " tokens of the call");
            }
            if (vectors.rank() != 2 || vectors.dim(0) != value.dim(0) || vectors.dim(1) != width) {
                throw new IllegalArgumentException("replaceAt: vectors of shape " + Arrays.toString(vectors.shape())
                        + ", expected [" + value.dim(0) + ", " + width + "]");
            }
            List<Tensor> parts = new ArrayList<>();
            if (position > 0) parts.add(value.slice(1, 0, position));
            parts.add(vectors.reshape(value.dim(0), 1, width));
            if (position + 1 < t) parts.add(value.slice(1, position + 1, t));
            return parts.size() == 1 ? parts.get(0) : Tensor.concat(parts, 1);
        });
    }

    public Interventions edit(NeuronEdit edit) {
        edits.computeIfAbsent(new Site(edit.layer(), edit.point()), s -> new ArrayList<>()).add(edit);
        return this;
    }

    /** The captured activations {@code [B, T, I]} of (layer, point) from the latest forward call. */
    public Tensor captured(int layer, FfnPoint point) {
        Tensor t = captured.get(new Site(layer, point));
        if (t == null) {
            throw new IllegalStateException("no activations captured at layer " + layer + " " + point
                    + " (ask with capture(...) before the forward call)");
        }
        return t;
    }

    @Override
    public Tensor apply(int layer, FfnPoint point, Tensor value, Span span) {
        Site site = new Site(layer, point);
        UnaryOperator<Tensor> fn = replacements.get(site);
        Tensor out = fn == null ? value : fn.apply(value);
        List<NeuronEdit> list = edits.get(site);
        if (list != null) out = applyEdits(out, list, span);
        if (captureEveryLayer.contains(point) || captureSites.contains(site)) captured.put(site, out);
        return out;
    }

    /** x * M + A, with M and A composed on the host from the edits in order (zero: 0, 0; scale a: *a; set v: 0, v). */
    private static Tensor applyEdits(Tensor x, List<NeuronEdit> list, Span span) {
        int batch = x.dim(0), length = x.dim(1), width = x.dim(2);
        double[] mul = new double[batch * length * width], add = new double[mul.length];
        Arrays.fill(mul, 1.0);
        for (NeuronEdit e : list) {
            for (int j : e.neurons()) {
                if (j >= width) throw new IllegalArgumentException("neuron edit " + e + ": neuron " + j + " is outside the layer's " + width + " neurons");
            }
            for (int b = 0; b < batch; b++) {
                for (int t : positionsInCall(e.tokens(), span, b)) {
                    for (int j : e.neurons()) {
                        int i = (b * length + t) * width + j;
                        switch (e.op()) {
                            case ZERO: mul[i] = 0; add[i] = 0; break;
                            case SCALE: mul[i] *= e.value(); add[i] *= e.value(); break;
                            case SET: mul[i] = 0; add[i] = e.value(); break;
                            default: throw new AssertionError(e.op());
                        }
                    }
                }
            }
        }
        return x.mul(Tensor.of(x.backend(), mul, batch, length, width)).add(Tensor.of(x.backend(), add, batch, length, width));
    }

    /** Indices, within the call, of the positions an edit touches in row b. */
    private static int[] positionsInCall(NeuronEdit.Tokens tokens, Span span, int b) {
        switch (tokens.kind()) {
            case ALL: {
                int[] all = new int[span.length()];
                for (int t = 0; t < all.length; t++) all[t] = t;
                return all;
            }
            case LAST: {
                int t = span.lastReal()[b] - span.start();
                return t >= 0 && t < span.length() ? new int[] {t} : new int[0];
            }
            case LIST:
                return Arrays.stream(tokens.positions()).map(p -> p - span.start())
                        .filter(t -> t >= 0 && t < span.length()).toArray();
            default:
                throw new AssertionError(tokens.kind());
        }
    }
}
