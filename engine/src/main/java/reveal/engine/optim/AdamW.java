package reveal.engine.optim;

import java.util.List;
import reveal.engine.Tensor;

/** Adam with decoupled weight decay (Loshchilov & Hutter) and bias correction, as PyTorch's AdamW. */
public final class AdamW extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Tensor[] m;
    private final Tensor[] v;

    public AdamW(List<Tensor> params, double beta1, double beta2, double eps, double weightDecay) {
        super(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new Tensor[params.size()];
        this.v = new Tensor[params.size()];
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, the given weight decay. */
    public AdamW(List<Tensor> params, double weightDecay) {
        this(params, 0.9, 0.999, 1e-8, weightDecay);
    }

    @Override
    protected void update(int i, Tensor p, Tensor g, double lr, long step) {
        m[i] = m[i] == null ? g.mul(1 - beta1) : m[i].mul(beta1).add(g.mul(1 - beta1));
        v[i] = v[i] == null ? g.square().mul(1 - beta2) : v[i].mul(beta2).add(g.square().mul(1 - beta2));
        double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
        Tensor decayed = weightDecay == 0 ? p : p.mul(1 - lr * weightDecay);
        Tensor update = m[i].div(c1).div(v[i].div(c2).sqrt().add(eps)).mul(lr);
        p.assign(decayed.sub(update));
    }

    /** The first and second moment estimates of parameter i (null before its first step), for checkpoints. */
    public Tensor[] moments(int i) {
        return new Tensor[] {m[i], v[i]};
    }

    public void setMoments(int i, Tensor first, Tensor second) {
        m[i] = first;
        v[i] = second;
    }
}
