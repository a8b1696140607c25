package reveal.attribution.instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reveal.engine.Tensor;

/**
 * The parameter tensors instance attribution differentiates, in a fixed order. Vectors over the subset (gradients,
 * Hessian-vector products, inverse-HVPs) are the concatenation of each tensor's values flattened row-major in its
 * stored layout, which is the fixtures' convention too.
 */
public final class ParameterSubset {
    private final List<String> names;
    private final List<Tensor> tensors;
    private final int size;

    private ParameterSubset(List<String> names, List<Tensor> tensors) {
        this.names = List.copyOf(names);
        this.tensors = List.copyOf(tensors);
        int n = 0;
        for (Tensor t : tensors) n += t.size();
        this.size = n;
    }

    /**
     * Selects from a model's {@code name -> tensor} map. Selected leaves are marked as requiring a gradient; tensors
     * outside the selection are left as they are (a model whose every tensor requires a gradient still works, but
     * back-propagates further than a head-only selection needs).
     */
    public static ParameterSubset select(Map<String, Tensor> parameters, ParameterSelector selector) {
        List<String> names = selector.choose(parameters);
        List<Tensor> tensors = new ArrayList<>();
        for (String n : names) {
            Tensor t = parameters.get(n);
            if (!t.requiresGrad()) t.requireGrad();
            tensors.add(t);
        }
        return new ParameterSubset(names, tensors);
    }

    public List<String> names() {
        return names;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    /** Number of scalar parameters P. */
    public int size() {
        return size;
    }

    /** Names and shapes, for run manifests: a resume with another selection is then refused. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) d.put(names.get(i), tensors.get(i).shape());
        return d;
    }

    /** One vector over the subset from per-tensor pieces (differentiable, so it works inside a double backward). */
    Tensor flatten(Tensor[] pieces) {
        if (pieces.length == 1) return pieces[0].reshape(-1);
        List<Tensor> flat = new ArrayList<>(pieces.length);
        for (Tensor p : pieces) flat.add(p.reshape(-1));
        return Tensor.concat(flat, 0);
    }
}
