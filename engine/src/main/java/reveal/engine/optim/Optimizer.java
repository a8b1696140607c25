package reveal.engine.optim;

import java.util.List;
import reveal.engine.Autograd;
import reveal.engine.Tensor;

/** Updates leaf parameters from their accumulated gradients. */
public abstract class Optimizer {
    protected final List<Tensor> params;
    private long steps;

    protected Optimizer(List<Tensor> params) {
        this.params = List.copyOf(params);
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are left alone. */
    public final void step(double lr) {
        steps++;
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p.grad() != null) update(i, p, p.grad(), lr, steps);
            }
        }
    }

    protected abstract void update(int index, Tensor param, Tensor grad, double lr, long step);

    public long steps() {
        return steps;
    }

    /** Restores the step count when resuming from a checkpoint. */
    public void setSteps(long steps) {
        this.steps = steps;
    }

    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm}; returns the norm before clipping
     * (NaN or infinite if any gradient is, in which case nothing is scaled).
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        double total = 0;
        try (Autograd.Scope s = Autograd.noGrad()) {
            for (Tensor p : params) if (p.grad() != null) total += p.grad().square().sum().item();
            double norm = Math.sqrt(total);
            // PyTorch's rule: scale by maxNorm / (norm + 1e-6) whenever that is below 1.
            double scale = maxNorm / (norm + 1e-6);
            if (Double.isFinite(norm) && scale < 1) {
                for (Tensor p : params) if (p.grad() != null) p.setGrad(p.grad().mul(scale));
            }
            return norm;
        }
    }
}
