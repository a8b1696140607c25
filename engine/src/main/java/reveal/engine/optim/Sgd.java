package reveal.engine.optim;

import java.util.List;
import reveal.engine.Tensor;

/** Stochastic gradient descent with optional momentum and decoupled weight decay. */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final Tensor[] velocity;

    public Sgd(List<Tensor> params, double momentum, double weightDecay) {
        super(params);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.velocity = new Tensor[params.size()];
    }

    @Override
    protected void update(int i, Tensor p, Tensor g, double lr, long step) {
        Tensor dir = g;
        if (momentum != 0) {
            velocity[i] = velocity[i] == null ? g : velocity[i].mul(momentum).add(g);
            dir = velocity[i];
        }
        Tensor next = p.sub(dir.mul(lr));
        if (weightDecay != 0) next = next.sub(p.mul(lr * weightDecay));
        p.assign(next);
    }
}
