package reveal.attribution.instance;

import reveal.engine.Autograd;
import reveal.engine.Tensor;

/**
 * First and second derivatives of an {@link InstanceLoss} with respect to a {@link ParameterSubset}, as flat
 * vectors of length P on the parameters' backend. The Hessian-vector product is exact: a double backward,
 * {@code H v = d/dθ (∇θ L · v)}.
 */
public final class Derivatives {
    private final InstanceLoss loss;
    private final ParameterSubset params;

    public Derivatives(InstanceLoss loss, ParameterSubset params) {
        this.loss = loss;
        this.params = params;
    }

    public ParameterSubset parameters() {
        return params;
    }

    /** ∇θ of the mean loss over {@code ids} (one id: the per-example gradient). */
    public Tensor gradient(int... ids) {
        Tensor l = loss.loss(ids);
        return params.flatten(Autograd.grad(l, params.tensors(), false));
    }

    /** H_B v, with H_B the Hessian of the mean loss over the batch {@code ids}. */
    public Tensor hessianVectorProduct(int[] ids, Tensor v) {
        if (v.size() != params.size()) throw new IllegalArgumentException("hessianVectorProduct: vector of " + v.size() + " values for " + params.size() + " parameters");
        Tensor l = loss.loss(ids);
        Tensor g = params.flatten(Autograd.grad(l, params.tensors(), true));
        Tensor gv = g.mul(v.detach().reshape(-1)).sum();
        // A loss linear in every selected parameter has a constant gradient: its Hessian is zero.
        if (!gv.requiresGrad()) return Tensor.zeros(v.backend(), params.size());
        return params.flatten(Autograd.grad(gv, params.tensors(), false));
    }
}
